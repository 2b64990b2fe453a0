import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `npm run rebuild-feeds`: the repair tool. Replays the key of every story in the table through
 * the real regenerate handler, as if the table stream delivered them again, so every feed is
 * rebuilt from the table. Against the local data directory by default (stop `npm start` first:
 * the local store is single-process), or against AWS with `--aws` and the deployed function's
 * environment (TABLE_NAME, FEED_BUCKET, SITE_BASE_URL, DISTRIBUTION_ID) plus AWS credentials.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = `Usage: npm run rebuild-feeds -- [--aws] [--batch N]

  (default)  rebuild the local store in DATA_DIR (default .data); stop npm start first
  --aws      rebuild a deployed stack: needs AWS credentials and TABLE_NAME, FEED_BUCKET,
             SITE_BASE_URL (and DISTRIBUTION_ID to invalidate CloudFront, once, at the
             end) in the environment
  --batch N  stories per regeneration (default 500)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      aws: { type: 'boolean', default: false },
      batch: { type: 'string', default: '500' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1) {
    console.error(`--batch must be a positive whole number\n\n${usage}`);
    return 2;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let close = async () => {};
  if (!values.aws) {
    const { startStandIns } = await import('../infra/local/aws-stand-ins.js');
    const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, '.data'));
    const standIns = await startStandIns({ dataDir }).catch((error: unknown) => {
      throw new Error(`Cannot open the local store in ${dataDir} (is npm start running? stop it first): ${(error as Error).message}`);
    });
    Object.assign(process.env, standIns.env);
    process.env.SITE_BASE_URL ??= `http://localhost:${process.env.PORT ?? 3000}`;
    close = () => standIns.close();
  }
  // The bucket may have lost files or had them changed by hand: compare each one with it rather
  // than trusting what the feeds' records say was written.
  process.env.VERIFY_STORED_FILES = 'true';
  // Each batch would invalidate every file it rewrote: for a large archive thousands of paths,
  // billed one by one past 1,000 a month, and more than the 3,000 CloudFront lets be in progress
  // at once. The whole distribution is invalidated once instead, at the end.
  const distributionId = process.env.DISTRIBUTION_ID?.trim();
  delete process.env.DISTRIBUTION_ID;
  let attempted = false;
  let invalidated = true;
  try {
    const { handler } = await import('../functions/regenerate/handler.js');
    const { DynamoArticleRepository } = await import('../functions/adapters/dynamo-article-repository.js');
    const { documentClient } = await import('../functions/commons/clients/dynamodb.js');
    const { tableName } = await import('../functions/commons/config.js');
    const articles = new DynamoArticleRepository(documentClient, tableName());
    let pending: string[] = [];
    let done = 0;
    const flush = async () => {
      if (!pending.length) return;
      attempted = true;
      await handler({
        Records: pending.map((slug) => ({ eventName: 'MODIFY', dynamodb: { Keys: { PK: { S: `ARTICLE#${slug}` }, SK: { S: 'A' } } } })),
      });
      done += pending.length;
      console.log(`Rebuilt feeds for ${done} stories`);
      pending = [];
    };
    for await (const slugs of articles.allSlugs()) {
      pending.push(...slugs);
      while (pending.length >= batch) {
        const rest = pending.splice(batch);
        await flush();
        pending = rest;
      }
    }
    await flush();
    // The regenerations left the archive pages and the directory to the catalog refresh: run it now.
    attempted = true;
    await handler({
      version: '0',
      id: 'rebuild-feeds',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '',
      time: new Date().toISOString(),
      region: '',
      resources: [],
      detail: {},
    });
    console.log(`Done: every feed of ${done} stories rebuilt from the table, with its archive pages and index.html.`);
  } finally {
    // Also after a failure: the batches before it may have rewritten files.
    if (distributionId && attempted) invalidated = await invalidateEverything(distributionId);
    await close();
  }
  return invalidated ? 0 : 1;
}

/** False, with the reason and the command to run on stderr, when CloudFront refused. */
async function invalidateEverything(distributionId: string): Promise<boolean> {
  const { CloudFrontClient } = await import('@aws-sdk/client-cloudfront');
  const { CloudFrontInvalidator } = await import('../functions/adapters/cloudfront-invalidator.js');
  const { requestHandlerSettings } = await import('../functions/commons/clients/request-handler.js');
  const client = new CloudFrontClient({ requestHandler: requestHandlerSettings() });
  try {
    await new CloudFrontInvalidator(client, distributionId).invalidateEverything();
    console.log(`CloudFront distribution ${distributionId}: every path invalidated (/*).`);
    return true;
  } catch (error) {
    console.error(
      `CloudFront distribution ${distributionId} was not invalidated (${(error as Error).name}: ${(error as Error).message}): readers may get ` +
        `old copies of rewritten files until it is. Run: aws cloudfront create-invalidation --distribution-id ${distributionId} --paths '/*'`,
    );
    return false;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`Rebuild failed: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
