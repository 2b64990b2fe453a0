import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!.trim())));
}

/** Paragraphs of prose (not code, tables or headings), whitespace normalised. */
function paragraphsOf(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return withoutCode
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .filter((block) => block.length >= 120 && !block.startsWith('|') && !block.startsWith('#'));
}

describe('Docs', () => {
  it('have every relative link and anchor resolve', () => {
    // Act
    const broken = DOCS.flatMap((file) =>
      [...read(file).matchAll(/\]\(([^)\s]+)\)/g)].flatMap(([, target]) => {
        if (/^[a-z]+:/.test(target!)) return [];
        const [relative, anchor] = target!.split('#');
        const resolved = relative ? path.posix.join(path.posix.dirname(file), relative) : file;
        if (!existsSync(path.join(ROOT, resolved))) return [`${file}: ${target} (no such file)`];
        if (anchor && resolved.endsWith('.md') && !anchorsIn(read(resolved)).has(anchor)) return [`${file}: ${target} (no such heading)`];
        return [];
      }),
    );

    // Assess
    expect(broken).toEqual([]);
  });

  it('keep each paragraph in one home: none appears in two files', () => {
    // Prepare
    const homes = new Map<string, string[]>();
    for (const file of DOCS)
      for (const paragraph of new Set(paragraphsOf(read(file)))) homes.set(paragraph, [...(homes.get(paragraph) ?? []), file]);

    // Act
    const repeated = [...homes]
      .filter(([, files]) => files.length > 1)
      .map(([paragraph, files]) => `${files.join(' and ')}: ${paragraph.slice(0, 100)}…`);

    // Assess
    expect(repeated).toEqual([]);
  });

  it('keep the README the front door: short, with the two-command quick start', () => {
    // Act
    const readme = read('README.md');

    // Assess
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
