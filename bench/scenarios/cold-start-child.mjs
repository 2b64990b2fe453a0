// One cold start, as a Lambda execution environment has it: a fresh Node process imports the
// bundle (INIT) and serves one event (the first INVOKE). Plain JavaScript on purpose: nothing but
// Node and the bundle may load here. Prints one JSON line.
//   node cold-start-child.mjs <bundle.mjs> <event.json>   (COLD_START_CPU_GROUP_PROCS: see bench/lib/cpu-share.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { functionName: 'bench', awsRequestId: 'bench-request', getRemainingTimeInMillis: () => 30_000 };

const started = performance.now(); // ms since the process started: Node's own boot
const module = await import(pathToFileURL(bundle).href);
const imported = performance.now();
// Lambda runs INIT with burst CPU and a request with the share of a vCPU the function's memory buys:
// given a CPU group, the process moves into it for the request.
if (process.env.COLD_START_CPU_GROUP_PROCS) writeFileSync(process.env.COLD_START_CPU_GROUP_PROCS, String(process.pid));
let status = 'ok';
let detail;
try {
  const result = await module.handler(event, context);
  if (result && typeof result === 'object' && 'statusCode' in result) {
    status = result.statusCode >= 200 && result.statusCode < 300 ? 'ok' : 'error';
    detail = `HTTP ${result.statusCode}`;
  }
} catch (error) {
  status = 'error';
  detail = String(error?.stack ?? error).slice(0, 500);
}
const served = performance.now();
process.stdout.write(
  `\nCOLD_START ${JSON.stringify({ bootMs: started, importMs: imported - started, firstRequestMs: served - imported, sinceProcessStartMs: served, status, detail })}\n`,
);
// The SDK keeps sockets open, as it would in a Lambda sandbox; this process has done its job.
process.exit(0);
