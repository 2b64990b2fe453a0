import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSite } from '../functions/commons/config.js';
import type { Article } from '../functions/domain/article.js';
import {
  freeSlug,
  type ImportedStory,
  type ImportEvent,
  type ImportSource,
  fileSource,
  importedStories,
  MAX_FEED_DOCUMENT_BYTES,
  textSource,
} from '../story-publishing/imported-stories.js';
import { EndpointUnreachableError, type IngestPort, type IngestResult } from '../story-publishing/ingest-client.js';
import { feedRedirectRules, REDIRECT_SERVERS, type RedirectServer } from '../story-publishing/feed-redirect-rules.js';
import { LEFT_OUT_KINDS, type LeftOutKind } from '../story-publishing/source-items.js';
import {
  CONNECTION_OPTIONS,
  type CommandContext,
  consoleOutput,
  EXIT,
  type ExitCode,
  type IngestConnection,
  isLocalEndpoint,
  type Output,
  plural,
  type ParsedCommand,
  resolveConnection,
  runIngestCommand,
  tokenAdvice,
  UsageError,
  unreachableAdvice,
} from './ingest-connection.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';

/**
 * `npm run import`: brings a newsroom's archive in from the platform it leaves (RSS, Atom, JSON
 * Feed, a WordPress export), keeping the id every item already has in its readers' feed readers.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const USAGE = `Usage: npm run import -- <file or URL>... [options]

Reads RSS 2.0, Atom 1.0 and JSON Feed 1.0/1.1 documents and WordPress exports (WXR, from
Tools → Export), checks every item first and sends nothing if a document cannot be read; then
sends each published item as a story with PUT /articles/<slug>, keeping its original id (RSS
guid, Atom id, JSON Feed id) so readers do not see it again as new. Running it again is safe:
slugs are derived the same way every time, and a story already imported is "unchanged".

Options:
  --endpoint <url>     ingest API (default http://localhost:$PORT, PORT defaulting to 3000);
                       for a deployed stack, its IngestApiUrl output
  --outputs <file>     take the endpoint from a CDK outputs file (cdk deploy --outputs-file)
  --token <token>      bearer token; better: INGEST_TOKEN in the environment. For a local
                       endpoint it defaults to the file npm start writes, $DATA_DIR/ingest-token
  --strict             send nothing if any item cannot be imported (default: skip it, say why)
  --tags               WordPress tags become categories too (default: categories only)
  --redirects <server> also print the rules the old web server needs to send its feed
                       addresses to the new feeds: nginx or apache
  --site <url>         the new feeds' address for those rules (default: baseUrl in
                       content/site.json)
  --verbose, -v        one line per story
  --dry-run, -n        read and check everything and show what would be sent; send nothing
  --help, -h           show this help

Exit status: 0 all done; 1 something could not be imported; 2 usage error, a document that
cannot be read, or with --strict an item that cannot be imported (nothing sent).`;

/** How many stories are in flight at once, as for `npm run publish`. */
const CONCURRENCY = 4;
/** Suffixes tried when a slug is taken on the server by another story. */
const MAX_SLUG_ATTEMPTS = 20;
const URL_TIMEOUT_MS = 60_000;

export interface ImportOptions extends IngestConnection {
  /** Files and URLs, as the editor typed them. */
  inputs: string[];
  dryRun: boolean;
  strict: boolean;
  tagsAsCategories: boolean;
  verbose: boolean;
  redirects?: RedirectServer | undefined;
  /** The new site's address, for the redirect rules. */
  siteUrl: string;
  siteRedirects: Readonly<Record<string, string>>;
  cwd?: string;
  concurrency?: number;
}

export interface ImportDependencies {
  client: IngestPort;
  output: Output;
  /** Where the progress bar goes (stderr). */
  progress: ProgressStream;
  /** Fetches a URL given as input; default: fetch. */
  fetchText?: (url: string) => Promise<string>;
}

export interface ImportSummary {
  exitCode: ExitCode;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  notSent: number;
  /** Items skipped because they cannot be stories (no title, no date…). */
  skipped: number;
  duplicates: number;
  leftOut: Record<LeftOutKind, number>;
}

const LEFT_OUT_WORDS: Record<LeftOutKind, [string, string]> = {
  draft: ['draft', 'drafts'],
  pending: ['pending post', 'pending posts'],
  private: ['private post', 'private posts'],
  scheduled: ['scheduled post', 'scheduled posts'],
  page: ['page', 'pages'],
  attachment: ['attachment', 'attachments'],
  revision: ['revision', 'revisions'],
  other: ['other item', 'other items'],
};

function leftOutText(counts: Record<LeftOutKind, number>): string {
  return LEFT_OUT_KINDS.filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${LEFT_OUT_WORDS[kind][counts[kind] === 1 ? 0 : 1]}`)
    .join(', ');
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(URL_TIMEOUT_MS),
      headers: {
        accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml, application/json;q=0.9, */*;q=0.5',
      },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`could not be fetched (${cause ?? (error as Error).message})`);
  }
  if (!response.ok) throw new Error(`answered ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_FEED_DOCUMENT_BYTES) throw new Error(`is ${Math.round(length / 1024 / 1024)} MB: download it and import the file`);
  return response.text();
}

/** The documents to read: files as they are, URLs fetched once. Problems are messages by input. */
async function openSources(options: ImportOptions, deps: ImportDependencies): Promise<{ sources: ImportSource[]; problems: string[] }> {
  const sources: ImportSource[] = [];
  const problems: string[] = [];
  for (const input of options.inputs) {
    if (/^https?:\/\//i.test(input)) {
      try {
        sources.push(textSource(input, await (deps.fetchText ?? fetchText)(input)));
      } catch (error) {
        problems.push(`${input}: ${(error as Error).message}`);
      }
    } else {
      sources.push(fileSource(path.resolve(options.cwd ?? process.cwd(), input), input));
    }
  }
  return { sources, problems };
}

interface Check {
  stories: number;
  skipped: number;
  duplicates: number;
  leftOut: Record<LeftOutKind, number>;
  broken: string[];
}

/** The first pass: reads every document through, and reports, without sending anything. */
async function check(sources: ImportSource[], options: ImportOptions, output: Output): Promise<Check> {
  const result: Check = {
    stories: 0,
    skipped: 0,
    duplicates: 0,
    leftOut: Object.fromEntries(LEFT_OUT_KINDS.map((kind) => [kind, 0])) as Record<LeftOutKind, number>,
    broken: [],
  };
  for await (const event of importedStories(sources, options)) {
    switch (event.kind) {
      case 'story':
        result.stories++;
        if (options.verbose && options.dryRun)
          output.log(
            `${event.story.where} … would PUT /articles/${event.story.slug}${event.story.feedId ? ` (id ${event.story.feedId})` : ''}`,
          );
        break;
      case 'left-out':
        result.leftOut[event.what]++;
        break;
      case 'problem':
        result.skipped++;
        output.error(`${event.where}: ${event.detail}${options.strict ? '' : '; skipped'}`);
        break;
      case 'duplicate':
        result.duplicates++;
        output.error(`${event.where}: ${event.detail}`);
        break;
      case 'broken':
        result.broken.push(event.source);
        output.error(`${event.source}: ${event.detail}`);
        break;
    }
  }
  return result;
}

type Outcome =
  | { kind: 'created' | 'updated' | 'unchanged'; slug: string; status: number }
  | { kind: 'failed'; status?: number; message: string };

/** The slug of the story that already has a refused story's feed id, from the API's 409. */
function heldAt(result: IngestResult): string | undefined {
  if (result.status !== 409) return undefined;
  const detail = result.problems?.find((problem) => problem.pointer === '/feedId')?.detail;
  return detail ? /\/articles\/([a-z0-9-]+)/.exec(detail)?.[1] : undefined;
}

/** Whether the story stored at a slug is this item (imported before), rather than another story. */
function isSameStory(stored: Article, story: ImportedStory): boolean {
  if (story.feedId !== undefined) return stored.feedId === story.feedId;
  return stored.feedId === undefined && stored.url === story.request.url;
}

/**
 * The import without the process around it: reads and checks every document, then (unless a dry
 * run) sends each story, `concurrency` at a time, as the documents are read a second time.
 * Never throws for anything an editor can cause; returns the summary with the exit code.
 */
export async function importStories(options: ImportOptions, deps: ImportDependencies): Promise<ImportSummary> {
  const { output, client } = deps;
  const { sources, problems } = await openSources(options, deps);
  for (const problem of problems) output.error(problem);
  const checked = await check(sources, options, output);
  const summary: ImportSummary = {
    exitCode: EXIT.ok,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    notSent: 0,
    skipped: checked.skipped,
    duplicates: checked.duplicates,
    leftOut: checked.leftOut,
  };
  const unreadable = problems.length + checked.broken.length;
  if (unreadable) {
    output.error(`${plural(unreadable, 'document')} cannot be imported; nothing was sent.`);
    return { ...summary, exitCode: EXIT.usage };
  }
  if (options.strict && checked.skipped) {
    output.error(`${plural(checked.skipped, 'item')} cannot be imported and --strict is set; nothing was sent.`);
    return { ...summary, exitCode: EXIT.usage };
  }
  const leftOut = leftOutText(checked.leftOut);
  output.log(
    `Read ${plural(sources.length, 'document')}: ${plural(checked.stories, 'story')} to import` +
      (leftOut ? `; left out, as not published stories: ${leftOut}` : '') +
      (checked.skipped ? `; ${checked.skipped} skipped (above)` : '') +
      (checked.duplicates ? `; ${checked.duplicates} already in another item` : '') +
      '.',
  );

  const printRules = () => {
    if (!options.redirects) return;
    output.log(`\nRules for the old site's ${options.redirects} server, sending its feed addresses to ${options.siteUrl}:`);
    output.log(feedRedirectRules(options.redirects, options.siteUrl, options.siteRedirects));
  };
  if (options.dryRun) {
    output.log(`Dry run: nothing is sent to ${options.endpoint}.`);
    printRules();
    return summary;
  }
  if (checked.stories === 0) {
    printRules();
    return summary;
  }
  if (!options.token) {
    output.error('No ingest token: pass --token <token> or set INGEST_TOKEN.');
    for (const line of tokenAdvice(options, 'missing')) output.error(line);
    return { ...summary, exitCode: EXIT.usage };
  }
  output.log(`Importing at ${options.endpoint} (token from ${options.token.from})`);

  let fatal: string[] | undefined;
  const stop = (lines: string[]) => (fatal ??= lines);
  const failure = (result: IngestResult): Outcome => {
    if (result.status === 401) {
      stop([
        `The endpoint refused the token (401 Unauthorized); the token came from ${options.token!.from}.`,
        ...tokenAdvice(options, 'refused'),
      ]);
    }
    return { kind: 'failed', status: result.status, message: result.message };
  };

  /** PUTs the story at `slug`, telling a new story from an update and from one sent again unchanged. */
  const putAt = async (story: ImportedStory, slug: string, before: IngestResult): Promise<Outcome | IngestResult> => {
    const result = await client.put({ ...story, slug });
    if (!result.ok) return result;
    const kind =
      result.status === 201 ? 'created' : before.article && result.article?.revision === before.article.revision ? 'unchanged' : 'updated';
    return { kind, slug, status: result.status };
  };

  const send = async (story: ImportedStory): Promise<Outcome> => {
    try {
      // The slug may hold another story already (one written here, or imported from elsewhere):
      // the next free suffix is taken, the same one on every run.
      for (let attempt = 1; attempt <= MAX_SLUG_ATTEMPTS; attempt++) {
        const slug = freeSlug(story.slug, () => false, attempt);
        const before = await client.get(slug);
        if (!before.ok && before.status !== 404) return failure(before);
        if (before.article && !isSameStory(before.article, story)) continue;
        const outcome = await putAt(story, slug, before);
        if (!('ok' in outcome)) return outcome;
        // The id is already a story's at another slug (an earlier run met the documents in
        // another order): that story is this one.
        const holder = heldAt(outcome);
        if (holder === undefined) return failure(outcome);
        const atHolder = await client.get(holder);
        const again = atHolder.ok ? await putAt(story, holder, atHolder) : atHolder;
        return 'ok' in again ? failure(again) : again;
      }
      return { kind: 'failed', message: `the slugs ${story.slug} to ${story.slug}-${MAX_SLUG_ATTEMPTS} all hold other stories` };
    } catch (error) {
      if (error instanceof EndpointUnreachableError) {
        stop(unreachableAdvice(options, error));
        return { kind: 'failed', message: `could not reach the endpoint (${error.reason})` };
      }
      return { kind: 'failed', message: (error as Error).message };
    }
  };

  const progress = new ProgressBar(checked.stories, deps.progress, 'Importing');
  const report = (story: ImportedStory, outcome: Outcome) => {
    progress.tick();
    if (outcome.kind === 'failed') {
      summary.failed++;
      progress.interrupt(() =>
        output.error(`${story.where} (${story.slug}): ${outcome.status ?? ''}${outcome.status ? ' ' : ''}failed: ${outcome.message}`),
      );
      return;
    }
    summary[outcome.kind]++;
    if (options.verbose)
      progress.interrupt(() => output.log(`${story.where} … ${outcome.status} ${outcome.kind}  /articles/${outcome.slug}`));
  };

  const inFlight = new Set<Promise<void>>();
  const limit = options.concurrency ?? CONCURRENCY;
  let sent = 0;
  const stories = importedStories(sources, options);
  for await (const event of stories as AsyncGenerator<ImportEvent>) {
    if (fatal) break;
    if (event.kind !== 'story') continue;
    sent++;
    const task: Promise<void> = send(event.story).then((outcome) => {
      inFlight.delete(task);
      report(event.story, outcome);
    });
    inFlight.add(task);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  progress.finish();
  summary.notSent = checked.stories - sent;
  if (fatal) for (const line of fatal) output.error(line);

  const counts = [
    `${summary.created} created`,
    `${summary.updated} updated`,
    `${summary.unchanged} unchanged`,
    `${summary.failed} failed`,
    ...(summary.notSent ? [`${summary.notSent} not sent`] : []),
  ];
  output.log(`Done: ${counts.join(', ')}.`);
  if (isLocalEndpoint(options.endpoint) && summary.created + summary.updated > 0) {
    output.log(`The feeds change within a few seconds: ${options.endpoint}/feed.xml, /atom.xml and /feed.json`);
  }
  printRules();
  summary.exitCode = summary.failed || summary.notSent ? EXIT.failed : EXIT.ok;
  return summary;
}

export type Command = ParsedCommand<ImportOptions>;

/** Turns the command line and environment into options; throws UsageError. */
export async function resolveCommand(argv: string[], env: NodeJS.ProcessEnv, context: CommandContext): Promise<Command> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by its one assignment below, parseArgs' result for these options
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...CONNECTION_OPTIONS,
        strict: { type: 'boolean' },
        tags: { type: 'boolean' },
        redirects: { type: 'string' },
        site: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        'dry-run': { type: 'boolean', short: 'n' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (!positionals.length) throw new UsageError('Name at least one file or URL to import.');
  const redirects = values.redirects;
  if (redirects !== undefined && !(REDIRECT_SERVERS as readonly string[]).includes(redirects)) {
    throw new UsageError(`--redirects must be ${REDIRECT_SERVERS.join(' or ')}, not "${redirects}"`);
  }
  const site = loadSite(env);
  const siteUrl = (values.site ?? site.baseUrl).replace(/\/+$/, '');
  if (!URL.canParse(siteUrl) || !/^https?:$/.test(new URL(siteUrl).protocol))
    throw new UsageError(`--site must be an http(s) URL, not "${values.site}"`);
  const connection = await resolveConnection(values, env, context);
  return {
    help: false,
    options: {
      inputs: positionals,
      ...connection,
      dryRun: values['dry-run'] ?? false,
      strict: values.strict ?? false,
      tagsAsCategories: values.tags ?? false,
      verbose: values.verbose ?? false,
      redirects: redirects as RedirectServer | undefined,
      siteUrl,
      siteRedirects: site.feedRedirects ?? {},
      cwd: context.cwd,
    },
  };
}

export function main(argv = process.argv.slice(2), env = process.env, output = consoleOutput): Promise<ExitCode> {
  return runIngestCommand({
    name: 'import',
    usage: USAGE,
    argv,
    env,
    output,
    root,
    resolve: resolveCommand,
    run: (options, client) => importStories(options, { client, output, progress: process.stderr }),
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
