import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseArticleInput, ValidationError, type FieldProblem } from '../functions/domain/article-input.js';
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
}

export class StoryFileError extends Error {
  override readonly name = 'StoryFileError';
  constructor(readonly problems: StoryFileProblem[]) {
    super(problems.map((problem) => `${problem.file}: ${problem.pointer} ${problem.detail}`).join('\n'));
  }
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

/** Authors may be written as plain names in front matter: `authors: [Jane Roe]`. */
function normaliseAuthors(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((author) => (typeof author === 'string' ? { name: author } : author));
}

/** Parses one story file's text; throws StoryFileError naming the file and each bad field. */
export function parseStoryFile(file: string, text: string): StoryFile {
  const fail = (pointer: string, detail: string): never => {
    throw new StoryFileError([{ file, pointer, detail }]);
  };
  const slug = path.basename(file).replace(/\.(md|markdown)$/i, '');
  if (!isStorySlug(slug)) fail('/slug', `file name must be a slug (lower-case a–z, digits, hyphens): "${slug}"`);
  const match = FRONT_MATTER.exec(text);
  if (!match) fail('/', 'must start with YAML front matter between two "---" lines');
  let frontMatter: unknown;
  try {
    frontMatter = parseYaml(match![1]!, { prettyErrors: true });
  } catch (error) {
    fail('/', `front matter is not valid YAML: ${error instanceof YAMLParseError ? error.message : String(error)}`);
  }
  if (typeof frontMatter !== 'object' || frontMatter === null || Array.isArray(frontMatter)) {
    fail('/', 'front matter must be a mapping of fields');
  }
  const fields = frontMatter as Record<string, unknown>;
  for (const field of ['body', 'bodyMarkdown']) {
    if (field in fields) fail(`/${field}`, 'the body is the Markdown after the front matter, not a front-matter field');
  }
  const request: Record<string, unknown> = {
    ...fields,
    ...('authors' in fields ? { authors: normaliseAuthors(fields.authors) } : {}),
    bodyMarkdown: match![2]!.trim(),
  };
  try {
    parseArticleInput(request);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new StoryFileError(error.problems.map((problem) => ({ file, ...problem })));
    }
    throw error;
  }
  return { file, slug: slug, request };
}

export async function readStoryFile(file: string): Promise<StoryFile> {
  return parseStoryFile(file, await readFile(file, 'utf8'));
}

/** Expands files and directories into the Markdown files they hold, sorted. */
export async function storyFilesIn(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    const info = await stat(entry);
    if (info.isDirectory()) {
      const names = await readdir(entry);
      files.push(...names.filter((name) => /\.(md|markdown)$/i.test(name)).sort().map((name) => path.join(entry, name)));
    } else {
      files.push(entry);
    }
  }
  return files;
}
