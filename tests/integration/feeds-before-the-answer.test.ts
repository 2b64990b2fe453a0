import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/table-keys.js';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/local-runtime.js';

const TOKEN = 'feeds-before-the-answer-0123456789';

describe('Local runtime: a publish asks the regenerator for its feeds before it answers', () => {
  let runtime: LocalRuntime;
  let s3: S3Client;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN });
    s3 = new S3Client(runtime.standIns.clientConfig.s3);
    documents = DynamoDBDocumentClient.from(new DynamoDBClient(runtime.standIns.clientConfig.dynamodb));
  });

  afterAll(async () => {
    s3?.destroy();
    documents?.destroy();
    await runtime?.close();
  });

  const publish = (slug: string, title: string) =>
    fetch(`${runtime.url}/articles/${slug}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, bodyMarkdown: 'Text.', categories: ['Harbour'] }),
    });
  /** A feed file as the bucket (the origin) holds it, with its ETag. */
  const origin = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: runtime.standIns.bucket, Key: key }));
    return { etag: object.ETag, text: await object.Body!.transformToString() };
  };
  const FILES = [
    'feed.xml',
    'atom.xml',
    'feed.json',
    'categories/harbour/feed.xml',
    'categories/harbour/atom.xml',
    'categories/harbour/feed.json',
  ];
  const PAGES = ['feed.html', 'categories/harbour/feed.html'];

  it("has the story in every feed at the origin when the PUT is answered; the stream's delivery then writes the feeds' pages for people", async () => {
    // Prepare
    await runtime.settled();
    const invalidationsBefore = runtime.cloudFrontApi.invalidations.length;

    // Act
    const response = await publish('ferry-timetable', 'Winter ferry timetable');
    const atTheAnswer = await Promise.all(FILES.map(origin));
    await runtime.settled();
    const afterTheStream = await Promise.all(FILES.map(origin));
    const pagesAfterTheStream = await Promise.all(PAGES.map(origin));

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('feeds')).toBe('updated');
    for (const file of atTheAnswer) expect(file.text).toContain('Winter ferry timetable');
    // The stream's own delivery of the change found the feeds already holding it, and wrote the
    // pages the publish left to it.
    expect(afterTheStream.map((file) => file.etag)).toEqual(atTheAnswer.map((file) => file.etag));
    for (const page of pagesAfterTheStream) expect(page.text).toContain('Winter ferry timetable');
    // The local runtime invalidates feeds on every publish, and their pages: each file once, as it
    // was written once (the feeds before the answer, the pages by the stream's delivery).
    const invalidated = runtime.cloudFrontApi.invalidations.slice(invalidationsBefore).flatMap((invalidation) => invalidation.paths);
    for (const key of [...FILES, ...PAGES])
      expect(
        invalidated.filter((path) => path === `/${key}`),
        key,
      ).toHaveLength(1);
    expect(runtime.lambdaApi.stats.invoked).toBeGreaterThan(0);
  });

  it('answers "queued" while another regeneration holds the feeds, and the stream brings them up to date after it', async () => {
    // Prepare: another regeneration holds the lease for a second (then it counts as stopped).
    await runtime.settled();
    await documents.send(
      new UpdateCommand({
        TableName: runtime.standIns.tableName,
        Key: keys.regenerationLease,
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
        ExpressionAttributeValues: { ':owner': 'another-regeneration', ':until': Date.now() + 1_000 },
      }),
    );

    // Act
    const response = await publish('storm-warning', 'Storm warning for the harbour');
    const atTheAnswer = await origin('feed.json');
    await runtime.settled();
    const afterTheStream = await origin('feed.json');

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('feeds')).toBe('queued');
    expect(atTheAnswer.text).not.toContain('Storm warning for the harbour');
    expect(afterTheStream.text).toContain('Storm warning for the harbour');
  });

  it('answers an unchanged PUT without asking for the feeds again', async () => {
    // Prepare
    await runtime.settled();
    const invoked = runtime.lambdaApi.stats.invoked;

    // Act
    const response = await publish('ferry-timetable', 'Winter ferry timetable');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('feeds')).toBeNull();
    expect(runtime.lambdaApi.stats.invoked).toBe(invoked);
  });
});
