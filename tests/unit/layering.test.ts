import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The handlers' folders: primary adapters, which nothing below them may import. */
const HANDLERS = ['functions/ingest/', 'functions/regenerate/', 'functions/publish-due/', 'functions/announce/'];
const AWS = /^(@aws-sdk\/|@smithy\/|aws-lambda$|@aws-lambda-powertools\/)/;

interface Rule {
  /** Files the rule applies to (repository-relative prefix). */
  from: string;
  /** Why, as the failure message says it. */
  because: string;
  /** Whether importing `target` (a repository-relative path, or a package name) breaks the rule. */
  forbids(target: string): boolean;
}

const RULES: Rule[] = [
  ...['functions/domain/', 'functions/rendering/', 'functions/use-cases/'].map((from) => ({
    from,
    because: 'the domain, the renderers and the use cases never import AWS code or the adapters and handlers',
    forbids: (target: string) =>
      AWS.test(target) ||
      target.startsWith('functions/adapters/') ||
      target.startsWith('functions/commons/clients/') ||
      HANDLERS.some((handler) => target.startsWith(handler)),
  })),
  {
    from: 'functions/domain/',
    because: 'the domain is the bottom layer',
    forbids: (target) => target.startsWith('functions/rendering/') || target.startsWith('functions/use-cases/'),
  },
  {
    from: 'functions/adapters/',
    because: 'adapters implement ports; they never import handlers',
    forbids: (target) => HANDLERS.some((handler) => target.startsWith(handler)),
  },
  {
    from: 'functions/',
    because: 'the functions are bundled alone',
    forbids: (target) => /^(infra|cli|bench|tests|story-publishing)\//.test(target),
  },
  {
    from: 'infra/local/',
    because: 'the local runtime does not depend on the command line tools',
    forbids: (target) => target.startsWith('cli/'),
  },
];

/** Every `import … from '…'`, `export … from '…'` and `import('…')` in a module's source. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2])!);
  }
  return found;
}

/** The rule each import of `file` breaks, as readable lines. */
function layeringViolations(file: string, source: string): string[] {
  return importsOf(source).flatMap((specifier) => {
    const target = specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : specifier;
    return RULES.filter((rule) => file.startsWith(rule.from) && rule.forbids(target)).map(
      (rule) => `${file} imports ${specifier}: ${rule.because}`,
    );
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

describe('Codebase: layers that point one way', () => {
  it('finds no import that runs against the layering in functions/ and infra/local/', () => {
    // Act
    const violations = [...sourceFiles('functions'), ...sourceFiles('infra/local')].flatMap((file) =>
      layeringViolations(file, readFileSync(path.join(ROOT, file), 'utf8')),
    );

    // Assess
    expect(violations).toEqual([]);
  });

  it('names each kind of import the layering forbids', () => {
    // Prepare
    const cases: [string, string][] = [
      ['functions/domain/story.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"],
      ['functions/rendering/rss.ts', "import type { Context } from 'aws-lambda';"],
      ['functions/use-cases/publish.ts', "import { S3FeedStore } from '../adapters/s3-feed-store.js';"],
      ['functions/domain/story.ts', "export { renderRss } from '../rendering/rss.js';"],
      ['functions/adapters/token-source.ts', "import { handler } from '../ingest/handler.js';"],
      ['functions/regenerate/handler.ts', "const { startStandIns } = await import('../../infra/local/aws-stand-ins.js');"],
      ['infra/local/main.ts', "import {\n  readStoryFile,\n} from '../../cli/story-files.js';"],
    ];

    // Act
    const found = cases.map(([file, source]) => layeringViolations(file, source).length);

    // Assess
    expect(found).toEqual(cases.map(() => 1));
    expect(layeringViolations('functions/use-cases/publish.ts', "import type { Article } from '../domain/article.js';")).toEqual([]);
    expect(layeringViolations('functions/adapters/s3.ts', "import { S3Client } from '@aws-sdk/client-s3';")).toEqual([]);
  });
});
