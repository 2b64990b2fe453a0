// One storage stand-in (dynalite or s3rver) in its own worker thread, so that its request handling,
// hashing, LevelDB and file writes run on another core than the handlers. Both are plain HTTP
// servers, so the handlers reach them exactly as before: over loopback, through the AWS SDK.
// Plain JavaScript on purpose: a worker thread does not inherit the TypeScript loader.
//   workerData: { kind: 'dynamodb' | 's3', options }  ->  posts { port, removed } once listening
//   (removed: for S3, the objects a killed process had left unreadable, dropped at start).
//   Message 'close' stops the server; the thread then ends.
import { parentPort, workerData } from 'node:worker_threads';

const { kind, options } = workerData;

async function startDynamoDb() {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite(options);
  // dynalite throws from a request's 'error' listener, so a client that hangs up while sending a
  // request (an aborted call, a killed process) would end this thread, and the runtime with it.
  // DynamoDB drops such a request and serves the next: so does this. Runs after dynalite's own
  // 'request' listener, which adds that 'error' listener synchronously.
  server.on('request', (request, response) => {
    request.removeAllListeners('error');
    request.on('error', () => response.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { port: server.address().port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// s3rver over a store of our own, in which a write becomes visible whole (whole-object-store.mjs).
async function startS3() {
  const { default: S3rver } = await import('s3rver');
  const { WholeObjectStore, prepareStore } = await import('./whole-object-store.mjs');
  const { removed } = await prepareStore(options.directory);
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, ...options });
  server.store = server.context.store = new WholeObjectStore(options.directory);
  const address = await server.run();
  return { port: address.port, removed, close: () => server.close() };
}

const server = kind === 'dynamodb' ? await startDynamoDb() : await startS3();
parentPort.on('message', async (message) => {
  if (message !== 'close') return;
  await server.close();
  parentPort.close();
});
parentPort.postMessage({ port: server.port, removed: server.removed ?? [] });
