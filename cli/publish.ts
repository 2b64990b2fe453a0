import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isStorySlug } from '../functions/domain/text.js';
import { EndpointUnreachableError, type IngestPort, type IngestResult } from '../story-publishing/ingest-client.js';
import {
  findStoryFiles,
  formatProblem,
  parseStoryFile,
  StoryFileError,
  type StoryFile,
  type StoryFileProblem,
} from '../story-publishing/story-files.js';
import {
  CONNECTION_OPTIONS,
  type CommandContext,
  consoleOutput,
  EXIT,
  type ExitCode,
  type IngestConnection,
  inOrder,
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

export { EXIT, type ExitCode, type Output, UsageError };

/** `npm run publish`: sends story files to the ingest API (local or deployed) and retracts stories. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const USAGE = `Usage: npm run publish -- <file.md|directory>... [options]

Checks every story file first and publishes nothing if any is invalid; then sends each with
PUT /articles/<slug> (the slug is the file name without .md), so running it again is safe.

Options:
  --endpoint <url>     ingest API (default http://localhost:$PORT, PORT defaulting to 3000);
                       for a deployed stack, its IngestApiUrl output
  --outputs <file>     take the endpoint from a CDK outputs file (cdk deploy --outputs-file)
  --token <token>      bearer token; better: INGEST_TOKEN in the environment. For a local
                       endpoint it defaults to the file npm start writes, $DATA_DIR/ingest-token
                       (DATA_DIR defaulting to .data)
  --retract <slug>     take a story out of every feed (repeatable; may be the only action)
  --dry-run, -n        check the files and show what would be sent; send nothing
  --help, -h           show this help

Exit status: 0 all done; 1 something could not be published or retracted; 2 usage error or
invalid story files (nothing sent).`;

/** How many requests are in flight at once. */
const CONCURRENCY = 4;

export interface PublishOptions extends IngestConnection {
  /** Story files and directories, as the editor typed them. */
  paths: string[];
  /** Slugs to retract. */
  retract: string[];
  dryRun: boolean;
  /** Relative paths are resolved against this directory (default: the process's). */
  cwd?: string;
  concurrency?: number;
}

export interface PublishDependencies {
  client: IngestPort;
  output: Output;
  now?: () => Date;
}

export interface PublishSummary {
  exitCode: ExitCode;
  created: number;
  updated: number;
  unchanged: number;
  retracted: number;
  failed: number;
  notSent: number;
}

type Task = { kind: 'put'; story: StoryFile } | { kind: 'retract'; slug: string };

type Outcome =
  | { kind: 'created' | 'updated' | 'unchanged'; status: number; url: string; scheduledFor?: string | undefined; wasRetracted?: boolean }
  | { kind: 'retracted'; status: number; already: boolean }
  | { kind: 'failed'; status?: number; message: string };

/** Reads and checks every file; returns the stories, or every problem found. */
async function loadStories(options: PublishOptions): Promise<{ stories: StoryFile[]; problems: StoryFileProblem[] }> {
  const cwd = options.cwd ?? process.cwd();
  const { files, problems } = await findStoryFiles(options.paths, cwd);
  const stories: StoryFile[] = [];
  for (const file of files) {
    try {
      stories.push(parseStoryFile(file, await readFile(path.resolve(cwd, file), 'utf8')));
    } catch (error) {
      if (error instanceof StoryFileError) problems.push(...error.problems);
      else problems.push({ file, pointer: '/', field: 'file', detail: `cannot be read: ${(error as Error).message}` });
    }
  }
  const bySlug = new Map<string, string>();
  for (const story of stories) {
    const first = bySlug.get(story.slug);
    if (first !== undefined) {
      problems.push({
        file: story.file,
        pointer: '/slug',
        field: 'file name',
        detail: `has the same slug as ${first}: each story needs its own file name`,
      });
    } else {
      bySlug.set(story.slug, story.file);
    }
  }
  for (const slug of options.retract) {
    if (!isStorySlug(slug)) {
      problems.push({
        file: '--retract',
        pointer: '/slug',
        field: 'slug',
        detail: `"${slug}" is not a story slug (lower-case a–z, digits and single hyphens)`,
      });
    } else if (bySlug.has(slug)) {
      problems.push({
        file: '--retract',
        pointer: '/slug',
        field: 'slug',
        detail: `"${slug}" is also being published from ${bySlug.get(slug)}`,
      });
    }
  }
  return { stories, problems };
}

/**
 * The publish command without the process around it: checks every file, then (unless a dry run)
 * publishes and retracts through the client, printing one line per story in a stable order and a
 * summary. Never throws for anything an editor can cause; returns the exit code.
 */
export async function publishStories(options: PublishOptions, deps: PublishDependencies): Promise<PublishSummary> {
  const { output, client } = deps;
  const now = deps.now ?? (() => new Date());
  const summary: PublishSummary = { exitCode: EXIT.ok, created: 0, updated: 0, unchanged: 0, retracted: 0, failed: 0, notSent: 0 };

  const { stories, problems } = await loadStories(options);
  if (problems.length) {
    for (const problem of problems) output.error(formatProblem(problem));
    const files = new Set(problems.filter((problem) => problem.file !== '--retract').map((problem) => problem.file)).size;
    output.error(`${plural(problems.length, 'problem')}${files ? ` in ${plural(files, 'file')}` : ''}; nothing was published.`);
    return { ...summary, exitCode: EXIT.usage };
  }

  const tasks: Task[] = [
    ...stories.map((story): Task => ({ kind: 'put', story })),
    ...options.retract.map((slug): Task => ({ kind: 'retract', slug })),
  ];
  const width = String(tasks.length).length;
  const prefix = (index: number) => `[${String(index + 1).padStart(width)}/${tasks.length}]`;
  const label = (task: Task) => (task.kind === 'put' ? task.story.slug : `retract ${task.slug}`);

  if (options.dryRun) {
    output.log(`Dry run: ${plural(stories.length, 'story')} checked and valid; nothing is sent to ${options.endpoint}.`);
    tasks.forEach((task, index) => {
      const publishedAt = task.kind === 'put' ? task.story.request.publishedAt : undefined;
      const scheduled = typeof publishedAt === 'string' && Date.parse(publishedAt) > now().getTime();
      const action = task.kind === 'put' ? `would PUT /articles/${task.story.slug}` : `would DELETE /articles/${task.slug}`;
      output.log(`${prefix(index)} ${label(task)} … ${action}${scheduled ? `, scheduled for ${publishedAt}` : ''}`);
    });
    return summary;
  }

  if (!options.token) {
    output.error('No ingest token: pass --token <token> or set INGEST_TOKEN.');
    for (const line of tokenAdvice(options, 'missing')) output.error(line);
    return { ...summary, exitCode: EXIT.usage };
  }

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

  const perform = async (task: Task): Promise<Outcome> => {
    try {
      if (task.kind === 'retract') {
        const before = await client.get(task.slug);
        if (before.status === 401) return failure(before);
        const result = await client.retract(task.slug);
        if (!result.ok) return failure(result);
        return { kind: 'retracted', status: result.status, already: before.article?.status === 'retracted' };
      }
      // Read first, so that a story sent again unchanged is told apart from a real update.
      const before = await client.get(task.story.slug);
      if (!before.ok && before.status !== 404) return failure(before);
      const result = await client.put(task.story);
      if (!result.ok) return failure(result);
      const article = result.article;
      const kind =
        result.status === 201
          ? 'created'
          : before.article && article && before.article.revision === article.revision
            ? 'unchanged'
            : 'updated';
      return {
        kind,
        status: result.status,
        url: result.message,
        scheduledFor: article?.status === 'scheduled' ? article.publishedAt : undefined,
        wasRetracted: before.article?.status === 'retracted' && kind === 'updated',
      };
    } catch (error) {
      if (error instanceof EndpointUnreachableError) {
        stop(unreachableAdvice(options, error));
        return { kind: 'failed', message: `could not reach the endpoint (${error.reason})` };
      }
      return { kind: 'failed', message: (error as Error).message };
    }
  };

  const describeOutcome = (outcome: Outcome): string => {
    switch (outcome.kind) {
      case 'failed':
        return `${outcome.status === undefined ? '' : `${outcome.status} `}failed: ${outcome.message}`;
      case 'retracted':
        return `${outcome.status} retracted${outcome.already ? ' (it already was)' : ''}`;
      default: {
        const notes = [outcome.wasRetracted ? 'was retracted' : '', outcome.scheduledFor ? `scheduled for ${outcome.scheduledFor}` : ''];
        const note = notes.filter(Boolean).join(', ');
        return `${outcome.status} ${outcome.kind}${note ? ` (${note})` : ''}  ${outcome.url}`;
      }
    }
  };

  const token = options.token;
  const what = [
    stories.length ? `publishing ${plural(stories.length, 'story')}` : '',
    options.retract.length ? `retracting ${plural(options.retract.length, 'story')}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  output.log(`${what.charAt(0).toUpperCase()}${what.slice(1)} at ${options.endpoint} (token from ${token.from})`);
  const outcomes = await inOrder(
    tasks,
    options.concurrency ?? CONCURRENCY,
    perform,
    (outcome, index) => output.log(`${prefix(index)} ${label(tasks[index]!)} … ${describeOutcome(outcome)}`),
    () => fatal !== undefined,
  );

  let scheduled = 0;
  let feedChanges = 0;
  for (const outcome of outcomes) {
    if (!outcome) summary.notSent++;
    else if (outcome.kind === 'failed') summary.failed++;
    else {
      summary[outcome.kind]++;
      if (outcome.kind === 'retracted') feedChanges += outcome.already ? 0 : 1;
      else if (outcome.scheduledFor) scheduled++;
      else if (outcome.kind !== 'unchanged') feedChanges++;
    }
  }
  if (fatal) for (const line of fatal) output.error(line);

  const counts = [
    `${summary.created} created`,
    `${summary.updated} updated`,
    `${summary.unchanged} unchanged`,
    ...(options.retract.length ? [`${summary.retracted} retracted`] : []),
    `${summary.failed} failed`,
    ...(summary.notSent ? [`${summary.notSent} not sent`] : []),
  ];
  output.log(`Done: ${counts.join(', ')}.`);
  if (scheduled) {
    output.log(
      `${scheduled === 1 ? '1 story is' : `${scheduled} stories are`} scheduled: each enters the feeds at its publishedAt (GET /articles?status=scheduled lists them).`,
    );
  }
  if (isLocalEndpoint(options.endpoint) && feedChanges > 0) {
    output.log(`The feeds change within a few seconds: ${options.endpoint}/feed.xml, /atom.xml and /feed.json`);
  }
  summary.exitCode = summary.failed || summary.notSent ? EXIT.failed : EXIT.ok;
  return summary;
}

export type Command = ParsedCommand<PublishOptions>;

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
        retract: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', short: 'n' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const retract = values.retract ?? [];
  if (!positionals.length && !retract.length) throw new UsageError('Name at least one story file or directory (or --retract <slug>).');
  const connection = await resolveConnection(values, env, context);
  return {
    help: false,
    options: { paths: positionals, retract, ...connection, dryRun: values['dry-run'] ?? false, cwd: context.cwd },
  };
}

export function main(argv = process.argv.slice(2), env = process.env, output = consoleOutput): Promise<ExitCode> {
  return runIngestCommand({
    name: 'publish',
    usage: USAGE,
    argv,
    env,
    output,
    root,
    resolve: resolveCommand,
    run: (options, client) => publishStories(options, { client, output }),
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
