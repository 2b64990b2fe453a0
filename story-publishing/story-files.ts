import type { Stats } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { articleInputSchema, parseArticleInput, ValidationError, type FieldProblem } from '../functions/domain/article-input.js';
import { isStorySlug } from '../functions/domain/text.js';

/** A story kept as a Markdown file: YAML front matter with the ingest fields, then the body. */
export interface StoryFile {
  file: string;
  slug: string;
  /** The ingest request body (`bodyMarkdown` holds the Markdown). */
  request: Record<string, unknown>;
}

export interface StoryFileProblem extends FieldProblem {
  file: string;
  /** The field as an editor writes it in front matter: `title`, `image.url`, `authors[1].name`. */
  field: string;
  /** 1-based line in the file, when the problem can be placed. */
  line?: number;
}

export class StoryFileError extends Error {
  override readonly name = 'StoryFileError';
  constructor(readonly problems: StoryFileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** `file:line: field: detail`, the form editors and terminals recognise. */
export function formatProblem(problem: StoryFileProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return `${where}: ${problem.field}: ${problem.detail}`;
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/d;
const STORY_EXTENSION = /\.(md|markdown)$/i;
const KNOWN_FIELDS = Object.keys(articleInputSchema.shape).filter((field) => field !== 'body' && field !== 'bodyMarkdown');

/** Front-matter name of the field a JSON Pointer (from the ingest validation) points at. */
function fieldName(pointer: string): string {
  if (pointer === '/bodyMarkdown' || pointer === '/body') return 'body';
  if (pointer === '/' || pointer === '') return 'front matter';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/** Names may be written plainly in front matter: `authors: [Jane Roe]` or `authors: Jane Roe`. */
function normaliseAuthors(value: unknown): unknown {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) return value;
  return list.map((author) => (typeof author === 'string' ? { name: author } : author));
}

/** `categories: Science` is taken as `categories: [Science]`. */
function normaliseCategories(value: unknown): unknown {
  return typeof value === 'string' ? [value] : value;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** Offset of the deepest node of the front matter that `pointer` reaches (the key, for a mapping entry). */
function offsetOf(contents: YamlNode | null, pointer: string): number | undefined {
  let node: unknown = contents;
  let offset: number | undefined;
  for (const part of pointer.split('/').slice(1)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === part);
      if (!pair) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(part)];
      if (!item) break;
      offset = (item as YamlNode).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** The validation's detail, said the way an editor of front matter needs it. */
function explain(problem: FieldProblem): string {
  if (problem.detail === 'is not a known field' && problem.pointer.lastIndexOf('/') === 0) {
    return `is not a known field (the fields are: ${KNOWN_FIELDS.join(', ')})`;
  }
  return problem.detail;
}

/**
 * Parses one story file's text; throws StoryFileError listing every problem found, each naming
 * the file, the field and (where it can) the line.
 */
export function parseStoryFile(file: string, text: string): StoryFile {
  const problems: StoryFileProblem[] = [];
  const add = (pointer: string, detail: string, line?: number) =>
    problems.push({ file, pointer, field: pointer === '/slug' ? 'file name' : fieldName(pointer), detail, ...(line ? { line } : {}) });

  const slug = path.basename(file).replace(STORY_EXTENSION, '');
  if (!isStorySlug(slug)) {
    add('/slug', `must be the story's slug plus .md: lower-case a–z, digits and single hyphens (got "${path.basename(file)}")`);
  }
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    add('/', 'the file must start with YAML front matter between two "---" lines', 1);
    throw new StoryFileError(problems);
  }
  const yamlStart = match.indices![1]![0];
  const bodyLine = lineAt(text, match.indices![2]![0]);
  const document = parseDocument(match[1]!, { prettyErrors: false });
  if (document.errors.length) {
    for (const error of document.errors) {
      const detail = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
      add('/', `is not valid YAML: ${detail}`, lineAt(text, yamlStart + error.pos[0]));
    }
    throw new StoryFileError(problems);
  }
  const fields: unknown = document.toJS();
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    add('/', 'front matter must be a mapping of fields, one "name: value" per line', 2);
    throw new StoryFileError(problems);
  }
  const frontMatterLine = (pointer: string): number | undefined => {
    const offset = offsetOf(document.contents, pointer);
    return offset === undefined ? undefined : lineAt(text, yamlStart + offset);
  };
  const request: Record<string, unknown> = { ...(fields as Record<string, unknown>) };
  for (const field of ['body', 'bodyMarkdown']) {
    if (field in request) {
      add(`/${field}`, 'the body is the Markdown after the front matter, not a front-matter field', frontMatterLine(`/${field}`));
      delete request[field];
    }
  }
  if ('authors' in request) request.authors = normaliseAuthors(request.authors);
  if ('categories' in request) request.categories = normaliseCategories(request.categories);
  request.bodyMarkdown = match[2]!.trim();
  try {
    parseArticleInput(request);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const problem of error.problems) {
      add(problem.pointer, explain(problem), problem.pointer === '/bodyMarkdown' ? bodyLine : frontMatterLine(problem.pointer));
    }
  }
  if (problems.length) {
    // In the order they appear in the file; those without a line (file name, missing fields) first.
    throw new StoryFileError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return { file, slug, request };
}

export async function readStoryFile(file: string): Promise<StoryFile> {
  return parseStoryFile(file, await readFile(file, 'utf8'));
}

/**
 * Expands files and directories (their `.md` files, not recursively) into story files, sorted
 * within each directory; a path given twice counts once. Paths are resolved against `cwd` and
 * returned as given. Paths that do not exist, are not Markdown
 * or hold no story are reported, all of them, rather than thrown one at a time.
 */
export async function findStoryFiles(paths: string[], cwd = process.cwd()): Promise<{ files: string[]; problems: StoryFileProblem[] }> {
  const files: string[] = [];
  const problems: StoryFileProblem[] = [];
  const problem = (file: string, detail: string) => problems.push({ file, pointer: '/', field: 'path', detail });
  for (const entry of paths) {
    let info: Stats;
    try {
      info = await stat(path.resolve(cwd, entry));
    } catch {
      problem(entry, 'no such file or directory');
      continue;
    }
    if (info.isDirectory()) {
      const names = (await readdir(path.resolve(cwd, entry))).filter((name) => STORY_EXTENSION.test(name)).sort();
      if (!names.length) problem(entry, 'the directory holds no .md story files');
      files.push(...names.map((name) => path.join(entry, name)));
    } else if (!STORY_EXTENSION.test(entry)) {
      problem(entry, 'is not a story file: stories are Markdown files ending in .md');
    } else {
      files.push(entry);
    }
  }
  const unique = [...new Map(files.map((file) => [path.resolve(cwd, file), file])).values()];
  return { files: unique, problems };
}

/** Expands files and directories into the Markdown files they hold, sorted; throws StoryFileError for bad paths. */
export async function storyFilesIn(paths: string[]): Promise<string[]> {
  const { files, problems } = await findStoryFiles(paths);
  if (problems.length) throw new StoryFileError(problems);
  return files;
}
