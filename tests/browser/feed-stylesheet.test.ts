import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/local-runtime.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const story = {
  title: 'Harbour reopens after three weeks of storm repairs',
  summary: 'Ferries resume on Monday; the quay was rebuilt & "strengthened".',
  bodyMarkdown: 'The harbour reopens **on Monday**.',
  authors: [{ name: 'Nadia Rahman' }],
  categories: ['Local'],
  publishedAt: '2026-03-09T09:30:00+09:00',
  image: { url: 'https://images.example.com/harbour.jpg', alt: 'The harbour', caption: 'The repaired quay.', credit: 'Jane Roe / Reuters' },
};

describe('Browser: a person opening a feed sees a readable page', () => {
  let runtime: LocalRuntime;
  let browser: Browser;

  beforeAll(async () => {
    // Fails (never skips) when the browser is missing: this check is the point of the suite.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
    await mkdir(SCREENSHOTS, { recursive: true });
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: 'browser-test-token-0123456789' });
    const response = await fetch(`${runtime.url}/articles/harbour-reopens`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${runtime.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(story),
    });
    expect(response.status).toBe(201);
    await runtime.settled();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  for (const [file, format] of [
    ['feed.xml', 'RSS'],
    ['atom.xml', 'Atom'],
  ] as const) {
    it(`renders /${file} through the XSL stylesheet`, async () => {
      // Prepare
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const document = page.waitForResponse((response) => response.url().endsWith(`/${file}`));
      const stylesheet = page.waitForResponse((response) => response.url().endsWith('/feed.xsl'));
      // Act
      await page.goto(`${runtime.url}/${file}`, { waitUntil: 'load' });
      const xsl = await stylesheet;
      // Assess: the CDN stand-in served the browser XML (as CloudFront's viewer-response function does).
      expect((await document).headers()['content-type']).toBe('application/xml; charset=utf-8');
      expect(xsl.headers()['content-type']).toBe('text/xsl; charset=utf-8');
      const heading = page.locator('article h2 a').first();
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as a person sees it
      expect(await heading.innerText()).toBe(story.title);
      expect(await heading.getAttribute('href')).toBe(`${runtime.url}/articles/harbour-reopens`);
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as a person sees it
      const text = await page.locator('body').innerText();
      expect(text).toContain(`This is a web feed (${format})`);
      expect(text).toContain(`${runtime.url}/${file}`);
      expect(text).toContain('Ferries resume on Monday; the quay was rebuilt & "strengthened".');
      expect(text).toContain('The repaired quay. — Jane Roe / Reuters');
      await page.screenshot({ path: path.join(SCREENSHOTS, `${file.replace('.', '-')}.png`), fullPage: true });
      await page.close();
    });
  }
});
