import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../infra/local/aws-stand-ins.js';
import { CdnStandIn } from '../../infra/local/cdn-stand-in.js';
import { CloudFrontApiStandIn, LOCAL_DISTRIBUTION_ID } from '../../infra/local/cloudfront-api-stand-in.js';
import { eventually } from '../support/local-server-process.js';

describe('Local CDN: caches like CloudFront', () => {
  let standIns: StandIns;
  let s3: S3Client;
  let server: Server;
  let url: string;
  let cdn: CdnStandIn;
  /** The CDN stand-in's clock, moved by the tests. */
  let clock = 0;

  const put = (key: string, body: string, cacheControl: string) =>
    s3.send(
      new PutObjectCommand({
        Bucket: standIns.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/rss+xml',
        CacheControl: cacheControl,
      }),
    );
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return {
      status: response.status,
      body: await response.text(),
      xCache: response.headers.get('x-cache'),
      age: response.headers.get('age'),
    };
  };

  beforeEach(async () => {
    standIns = await startStandIns();
    s3 = new S3Client(standIns.clientConfig.s3);
    clock = 1_000_000;
    cdn = new CdnStandIn(new S3Client(standIns.clientConfig.s3), standIns.bucket, { now: () => clock });
    server = createServer(
      (request, response) => void cdn.serve(request, response, new URL(request.url ?? '/', 'http://localhost').pathname),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    s3.destroy();
    await standIns.close();
  });

  it('serves its copy without asking the bucket until the edge lifetime (s-maxage) is over, then revalidates it', async () => {
    // Prepare
    await put('feed.xml', '<rss>one</rss>', 'public, max-age=60, s-maxage=5');

    // Act
    const first = await get('/feed.xml');
    clock += 3_000;
    await put('feed.xml', '<rss>two</rss>', 'public, max-age=60, s-maxage=5');
    const cached = await get('/feed.xml');
    clock += 2_500;
    const expired = await get('/feed.xml');
    clock += 1_000;
    const again = await get('/feed.xml');

    // Assess
    expect(first).toMatchObject({ body: '<rss>one</rss>', xCache: 'Miss from cloudfront', age: null });
    expect(cached).toMatchObject({ body: '<rss>one</rss>', xCache: 'Hit from cloudfront', age: '3' });
    expect(expired).toMatchObject({ body: '<rss>two</rss>', xCache: 'Miss from cloudfront' });
    expect(again).toMatchObject({ body: '<rss>two</rss>', xCache: 'Hit from cloudfront', age: '1' });
  });

  it('answers RefreshHit when the bucket confirms an expired copy (304), with its age started again', async () => {
    // Prepare
    await put('feed.xml', '<rss>one</rss>', 'public, max-age=2');
    await get('/feed.xml');
    clock += 2_500;

    // Act
    const refreshed = await get('/feed.xml');
    const fetchesBefore = cdn.stats.originFetches;
    clock += 1_000;
    const hit = await get('/feed.xml');

    // Assess
    expect(refreshed).toMatchObject({ body: '<rss>one</rss>', xCache: 'RefreshHit from cloudfront', age: '0' });
    expect(hit).toMatchObject({ xCache: 'Hit from cloudfront', age: '1' });
    expect(cdn.stats.originFetches).toBe(fetchesBefore);
  });

  it('within stale-while-revalidate answers with the stale copy at once and fetches the new one behind it', async () => {
    // Prepare
    await put('feed.xml', '<rss>one</rss>', 'public, max-age=2, stale-while-revalidate=60');
    await get('/feed.xml');
    await put('feed.xml', '<rss>two</rss>', 'public, max-age=2, stale-while-revalidate=60');
    clock += 10_000;

    // Act
    const stale = await get('/feed.xml');
    await eventually(async () => expect((await get('/feed.xml')).body).toBe('<rss>two</rss>'), 5_000);

    // Assess
    expect(stale).toMatchObject({ body: '<rss>one</rss>', xCache: 'Hit from cloudfront', age: '10' });
  });

  it("keeps nothing marked no-store, and falls back to the policy's default TTL when a file names none", async () => {
    // Prepare
    await put('private.xml', '<rss>a</rss>', 'no-store');
    await put('plain.xml', '<rss>b</rss>', '');

    // Act
    await get('/private.xml');
    const uncached = await get('/private.xml');
    await get('/plain.xml');
    clock += 59_000;
    const defaultTtl = await get('/plain.xml');

    // Assess
    expect(uncached.xCache).toBe('Miss from cloudfront');
    expect(defaultTtl).toMatchObject({ xCache: 'Hit from cloudfront', age: '59' });
  });

  it('drops a copy only when the invalidation naming it completes, through the real CloudFront client', async () => {
    // Prepare: the API stand-in completes invalidations when the test says so (a long delay).
    const api = await new CloudFrontApiStandIn({ completionDelayMs: 60_000, onCompleted: (paths) => cdn.invalidate(paths) }).start();
    const cloudFront = new CloudFrontClient({
      region: 'us-east-1',
      endpoint: api.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await put('categories/world/feed.xml', '<rss>one</rss>', 'public, max-age=600');
    await put('feed.xml', '<rss>site one</rss>', 'public, max-age=600');
    await get('/categories/world/feed.xml');
    await get('/feed.xml');
    await put('categories/world/feed.xml', '<rss>two</rss>', 'public, max-age=600');
    await put('feed.xml', '<rss>site two</rss>', 'public, max-age=600');

    // Act
    const created = await cloudFront.send(
      new CreateInvalidationCommand({
        DistributionId: LOCAL_DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: 'ref-1', Paths: { Quantity: 1, Items: ['/categories/world/*'] } },
      }),
    );
    const duringInvalidation = await get('/categories/world/feed.xml');
    const pending = await cloudFront.send(
      new GetInvalidationCommand({ DistributionId: LOCAL_DISTRIBUTION_ID, Id: created.Invalidation!.Id }),
    );
    cdn.invalidate(api.inProgress()[0]!.paths); // what its completion does
    const afterInvalidation = await get('/categories/world/feed.xml');
    const notNamed = await get('/feed.xml');

    // Assess
    expect(created.Invalidation?.Status).toBe('InProgress');
    expect(pending.Invalidation?.Status).toBe('InProgress');
    expect(duringInvalidation).toMatchObject({ body: '<rss>one</rss>', xCache: 'Hit from cloudfront' });
    expect(afterInvalidation).toMatchObject({ body: '<rss>two</rss>', xCache: 'Miss from cloudfront' });
    expect(notNamed).toMatchObject({ body: '<rss>site one</rss>', xCache: 'Hit from cloudfront' });
    cloudFront.destroy();
    await api.close();
  });
});

describe('Local CloudFront API: invalidations through the real SDK client', () => {
  it('reports InProgress, then Completed after the delay; repeats an earlier invalidation for its caller reference', async () => {
    // Prepare
    const completed: string[][] = [];
    const api = await new CloudFrontApiStandIn({ completionDelayMs: 200, onCompleted: (paths) => completed.push(paths) }).start();
    const client = new CloudFrontClient({
      region: 'us-east-1',
      endpoint: api.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const batch = { CallerReference: 'same-ref', Paths: { Quantity: 2, Items: ['/feed.xml', '/atom.xml'] } };

    // Act
    const created = await client.send(new CreateInvalidationCommand({ DistributionId: LOCAL_DISTRIBUTION_ID, InvalidationBatch: batch }));
    const repeated = await client.send(new CreateInvalidationCommand({ DistributionId: LOCAL_DISTRIBUTION_ID, InvalidationBatch: batch }));
    const id = created.Invalidation!.Id!;
    const before = await client.send(new GetInvalidationCommand({ DistributionId: LOCAL_DISTRIBUTION_ID, Id: id }));
    await eventually(async () => {
      const after = await client.send(new GetInvalidationCommand({ DistributionId: LOCAL_DISTRIBUTION_ID, Id: id }));
      expect(after.Invalidation?.Status).toBe('Completed');
    }, 5_000);
    const unknown = client.send(new GetInvalidationCommand({ DistributionId: LOCAL_DISTRIBUTION_ID, Id: 'INOPE' }));

    // Assess
    expect(created.Invalidation?.Status).toBe('InProgress');
    expect(created.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/feed.xml', '/atom.xml']);
    expect(repeated.Invalidation?.Id).toBe(id);
    expect(before.Invalidation?.Status).toBe('InProgress');
    expect(completed).toEqual([['/feed.xml', '/atom.xml']]);
    await expect(unknown).rejects.toMatchObject({ name: 'NoSuchInvalidation' });
    client.destroy();
    await api.close();
  });

  it('refuses more than 15 wildcard paths in progress at once, as CloudFront does', async () => {
    // Prepare
    const api = await new CloudFrontApiStandIn({ completionDelayMs: 60_000, onCompleted: () => undefined }).start();
    const client = new CloudFrontClient({
      region: 'us-east-1',
      endpoint: api.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const wildcards = Array.from({ length: 15 }, (_, index) => `/categories/c${index}/*`);

    // Act
    await client.send(
      new CreateInvalidationCommand({
        DistributionId: LOCAL_DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: 'a', Paths: { Quantity: 15, Items: wildcards } },
      }),
    );
    const sixteenth = client.send(
      new CreateInvalidationCommand({
        DistributionId: LOCAL_DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: 'b', Paths: { Quantity: 1, Items: ['/authors/*'] } },
      }),
    );

    // Assess
    await expect(sixteenth).rejects.toMatchObject({ name: 'TooManyInvalidationsInProgress' });
    client.destroy();
    await api.close();
  });
});
