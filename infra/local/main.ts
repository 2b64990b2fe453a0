import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IngestClient } from '../../story-publishing/ingest-client.js';
import { readStoryFile, storyFilesIn } from '../../story-publishing/story-files.js';
import { wholeNumberSetting } from '../../functions/commons/config.js';

// Set before the AWS SDK loads: the local default runs on Node 20, which the SDK still supports.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startLocalRuntime } = await import('./local-runtime.js');

/** `npm start`: the whole product on this machine. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = (message: string) => console.log(message);

function port(): number {
  const value = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`PORT must be a port number, not "${process.env.PORT}"`);
    process.exit(2);
  }
  return value;
}

/** A whole number of milliseconds from the environment, at least `min`; undefined when unset. */
function milliseconds(name: string, min: number): number | undefined {
  try {
    const value = wholeNumberSetting(process.env, name, 'milliseconds', { min }, Number.NaN);
    return Number.isNaN(value) ? undefined : value;
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, '.data'));
const runtime = await startLocalRuntime({
  port: port(),
  dataDir,
  token: process.env.INGEST_TOKEN?.trim() || undefined,
  baseUrl: process.env.SITE_BASE_URL?.trim() || undefined,
  keepAliveTimeoutMs: milliseconds('KEEP_ALIVE_TIMEOUT_MS', 1_000),
  sdkSocketTimeoutMs: milliseconds('SDK_SOCKET_TIMEOUT_MS', 100),
  cdnInvalidationDelayMs: milliseconds('CDN_INVALIDATION_DELAY_MS', 0),
  log,
});

if (await runtime.isEmpty()) {
  const client = new IngestClient(runtime.url, runtime.token);
  const files = await storyFilesIn([path.join(root, 'content/articles')]);
  let loaded = 0;
  for (const file of files) {
    try {
      const result = await client.put(await readStoryFile(file));
      if (result.ok) loaded++;
      else log(`Sample story ${path.basename(file)} was not loaded: ${result.message}`);
    } catch (error) {
      log(`Sample story ${path.basename(file)} was not loaded:\n${(error as Error).message}`);
    }
  }
  await runtime.settled();
  log(`Loaded ${loaded} sample stories from content/articles`);
}
await runtime.settled();

const base = process.env.SITE_BASE_URL?.trim() || runtime.url;
log(`
Feeds are served at ${runtime.url}
  RSS 2.0       ${base}/feed.xml
  Atom 1.0      ${base}/atom.xml
  JSON Feed 1.1 ${base}/feed.json
  (and the same three under /categories/<category>/ and /authors/<author>/)

Editors' desk  ${runtime.url}/desk/  (sign in with the ingest token)
Ingest API     ${runtime.url}/articles
Ingest token   ${runtime.tokenFile ? `in ${path.relative(process.cwd(), runtime.tokenFile) || runtime.tokenFile}` : 'from INGEST_TOKEN'}
Data           ${dataDir}

Publish a story file:
  npm run publish -- content/articles/<story>.md

or any JSON with curl:
  curl -X PUT ${runtime.url}/articles/hello-world \\
    -H "Authorization: Bearer $(cat ${runtime.tokenFile ? path.relative(process.cwd(), runtime.tokenFile) : '<token-file>'})" \\
    -H 'Content-Type: application/json' \\
    -d '{"title":"Hello, world","bodyMarkdown":"First story.","categories":["World"]}'

Stop with Ctrl-C.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('Stopping…');
  await runtime.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
