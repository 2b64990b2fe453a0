import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type EndpointUnreachableError, IngestClient } from '../story-publishing/ingest-client.js';

/**
 * What the commands that talk to the ingest API (`npm run publish`, `npm run import`) share: where
 * the endpoint and token come from, the advice when either fails, exit codes and output.
 */

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Output {
  /** Progress and results (stdout). */
  log(line: string): void;
  /** Problems (stderr). */
  error(line: string): void;
}

/** Where a command sends stories, and with which token. */
export interface IngestConnection {
  endpoint: string;
  /** The bearer token and where it came from (for messages); absent when none was found. */
  token?: { value: string; from: string } | undefined;
  /** Where the local server keeps its generated token (for messages). */
  localTokenFile: string;
}

export interface CommandContext {
  /** Where relative paths typed by the editor are resolved (npm run changes the directory). */
  cwd: string;
  /** The repository root, where npm start keeps `.data`. */
  root: string;
}

/** The options every such command takes, as parseArgs declares them. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  outputs: { type: 'string' },
  token: { type: 'string' },
} as const;

/** The endpoint and token from `--endpoint`/`--outputs`, `--token`, INGEST_TOKEN or the local token file; throws UsageError. */
export async function resolveConnection(
  values: { endpoint?: string | undefined; outputs?: string | undefined; token?: string | undefined },
  env: NodeJS.ProcessEnv,
  context: CommandContext,
): Promise<IngestConnection> {
  if (values.endpoint !== undefined && values.outputs !== undefined) throw new UsageError('Give --endpoint or --outputs, not both.');
  let endpoint: string;
  if (values.endpoint !== undefined) endpoint = endpointFrom(values.endpoint, '--endpoint');
  else if (values.outputs !== undefined) endpoint = await endpointFromOutputs(path.resolve(context.cwd, values.outputs));
  else {
    const port = env.PORT?.trim() || '3000';
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError(`PORT must be a port number, not "${env.PORT}"`);
    endpoint = `http://localhost:${port}`;
  }

  const localTokenFile = path.join(path.resolve(context.root, env.DATA_DIR?.trim() || '.data'), 'ingest-token');
  let token: IngestConnection['token'];
  if (values.token !== undefined) {
    if (!values.token.trim()) throw new UsageError('--token is empty.');
    token = { value: values.token.trim(), from: '--token' };
  } else if (env.INGEST_TOKEN?.trim()) {
    token = { value: env.INGEST_TOKEN.trim(), from: 'INGEST_TOKEN' };
  } else if (isLocalEndpoint(endpoint)) {
    // Only a local endpoint gets the local token: it is not sent to other servers.
    const value = await readTokenFile(localTokenFile);
    if (value) token = { value, from: localTokenFile };
  }
  return { endpoint, token, localTokenFile };
}

export function isLocalEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** How to get a token that works, for the endpoint in use. */
export function tokenAdvice(options: IngestConnection, problem: 'missing' | 'refused'): string[] {
  if (isLocalEndpoint(options.endpoint)) {
    const dataDir = path.dirname(options.localTokenFile);
    if (problem === 'missing') {
      return [
        `There is no local token file at ${options.localTokenFile}: \`npm start\` writes it when it first runs`,
        `with data in ${dataDir} (set DATA_DIR to the same directory for both commands).`,
      ];
    }
    if (options.token?.from === options.localTokenFile) {
      return [
        `That is the token of the local server keeping its data in ${dataDir}. If the server running now`,
        'was started with another DATA_DIR or with INGEST_TOKEN, run this command with the same setting.',
      ];
    }
    return [
      `The local server (npm start) keeps its token in ${options.localTokenFile}`,
      '(under DATA_DIR if it was started with one: run this command with the same DATA_DIR),',
      'or uses INGEST_TOKEN if it was started with that set.',
    ];
  }
  return [
    'For a deployed stack the token is in the Secrets Manager secret named by the stack output',
    'IngestTokensSecretName:',
    '  aws secretsmanager get-secret-value --secret-id <IngestTokensSecretName> --query SecretString --output text',
    'prints {"token":"…"}; pass that value as INGEST_TOKEN (or --token).',
  ];
}

export function unreachableAdvice(options: IngestConnection, error: EndpointUnreachableError): string[] {
  if (isLocalEndpoint(options.endpoint)) {
    return [
      `Could not connect to ${options.endpoint} (${error.reason}): is the local server running?`,
      `Start it in another terminal with \`npm start\` (\`PORT=${new URL(options.endpoint).port || 80} npm start\` for this port),`,
      'or pass --endpoint with the address it printed.',
    ];
  }
  return [
    `Could not reach ${options.endpoint} (${error.reason}).`,
    'Check --endpoint (the stack output IngestApiUrl) and your network connection.',
  ];
}

export function plural(count: number, word: string): string {
  return `${count} ${count === 1 ? word : word.replace(/y$/, 'ie')}${count === 1 ? '' : 's'}`;
}

/** Runs `work` over the items, `limit` at a time, reporting results in the items' order. */
export async function inOrder<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
  report: (result: R, index: number) => void,
  stopped: () => boolean,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  let reported = 0;
  const worker = async () => {
    while (!stopped() && next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
      while (reported < items.length && results[reported] !== undefined) {
        report(results[reported]!, reported);
        reported++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function endpointFrom(value: string, source: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new UsageError(`${source} must be an http(s) URL, not "${value}"`);
  }
  // The ingest routes start with /articles; accept the base with or without it.
  return value.replace(/\/+$/, '').replace(/\/articles$/, '');
}

async function endpointFromOutputs(file: string): Promise<string> {
  let outputs: unknown;
  try {
    outputs = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--outputs ${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  const stacks = Object.entries(typeof outputs === 'object' && outputs !== null ? outputs : {}).filter(
    ([, stack]) => typeof (stack as Record<string, unknown> | null)?.IngestApiUrl === 'string',
  );
  if (stacks.length === 0) {
    throw new UsageError(`--outputs ${file}: no stack in it has an IngestApiUrl output (write it with cdk deploy --outputs-file ${file})`);
  }
  if (stacks.length > 1) {
    throw new UsageError(
      `--outputs ${file}: several stacks (${stacks.map(([name]) => name).join(', ')}); pass --endpoint with the IngestApiUrl of one`,
    );
  }
  const [name, stack] = stacks[0]!;
  return endpointFrom((stack as { IngestApiUrl: string }).IngestApiUrl, `IngestApiUrl of ${name} in ${file}`);
}

async function readTokenFile(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const consoleOutput: Output = {
  log: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

/** What a command's argument parsing gives: its help, or its options. */
export type ParsedCommand<O> = { help: true } | { help: false; options: O };

/**
 * A command's `main` without what differs between commands: resolves the command line (a
 * UsageError is printed with a pointer to `--help`, exit 2), prints the usage for `--help`, and
 * runs the command with a client of the endpoint and token it resolved.
 */
export async function runIngestCommand<O extends IngestConnection>(command: {
  name: string;
  usage: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  output: Output;
  root: string;
  resolve: (argv: string[], env: NodeJS.ProcessEnv, context: CommandContext) => Promise<ParsedCommand<O>>;
  run: (options: O, client: IngestClient) => Promise<{ exitCode: ExitCode }>;
}): Promise<ExitCode> {
  const { output, env } = command;
  let parsed: ParsedCommand<O>;
  try {
    // npm run starts scripts in the package root; INIT_CWD is where the editor typed the command.
    parsed = await command.resolve(command.argv, env, { cwd: env.INIT_CWD || process.cwd(), root: command.root });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.error(error.message);
    output.error(`Run \`npm run ${command.name} -- --help\` for usage.`);
    return EXIT.usage;
  }
  if (parsed.help) {
    output.log(command.usage);
    return EXIT.ok;
  }
  const { options } = parsed;
  return (await command.run(options, new IngestClient(options.endpoint, options.token?.value ?? ''))).exitCode;
}
