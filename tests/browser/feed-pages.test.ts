/// <reference lib="dom" />
// The functions given to page.evaluate run in the browser, with its DOM.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/local-runtime.js';
import { axeSource, hasHorizontalScroll, launchChromium, seriousAccessibilityViolations } from '../support/browser-checks.js';

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const PHOTO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="1600" height="900" fill="#5b7c99"/><rect y="600" width="1600" height="300" fill="#2f4858"/></svg>';

const harbour = {
  title: 'Harbour reopens after three weeks of storm repairs',
  kicker: 'Transport',
  summary: 'Ferries resume on Monday; the quay was rebuilt & "strengthened".',
  bodyMarkdown: 'The harbour reopens **on Monday**.',
  authors: [{ name: 'Nadia Rahman' }],
  categories: ['Local'],
  publishedAt: '2026-03-09T09:30:00+09:00',
  image: {
    url: 'https://images.example.com/harbour.jpg',
    alt: 'Cranes over the harbour at dawn',
    caption: 'The repaired quay.',
    credit: 'Jane Roe / Reuters',
  },
};
const dates = {
  title: 'مهرجان التمور يجذب أعدادًا قياسية',
  summary: 'زار أكثر من مئة ألف شخص المهرجان هذا العام.',
  bodyMarkdown: 'زار المهرجان **مئة ألف** شخص.',
  authors: [{ name: 'محمد علي' }],
  categories: ['Local'],
  language: 'ar',
  publishedAt: '2026-03-08T18:00:00+03:00',
};

/** The feeds the issue names, one of each kind and format, and the directory of every feed. */
const PAGES = [
  { name: 'site-rss', path: '/feed.xml', heading: 'The Daily Meridian', feedType: 'application/rss+xml; charset=utf-8' },
  {
    name: 'category-atom',
    path: '/categories/local/atom.xml',
    heading: 'The Daily Meridian: Local',
    feedType: 'application/atom+xml; charset=utf-8',
  },
  {
    name: 'author-json',
    path: '/authors/nadia-rahman/feed.json',
    heading: 'The Daily Meridian: Nadia Rahman',
    feedType: 'application/feed+json; charset=utf-8',
  },
] as const;

describe('Browser: a person opening a feed sees its HTML page', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let axe: string;
  const contexts: BrowserContext[] = [];

  async function openPage(options: { viewport: { width: number; height: number }; colorScheme?: 'light' | 'dark' }) {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    // The stories' photos, from the newsroom's image host, which this machine cannot reach.
    await page.route('https://images.example.com/**', (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: PHOTO }));
    page.on('console', (message) => {
      // A browser asks every site for /favicon.ico; the product serves none, and that is not the page's fault.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(message.text());
    });
    return { page, consoleErrors };
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    axe = await axeSource();
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: 'browser-test-token-0123456789' });
    for (const [slug, story] of [
      ['harbour-reopens', harbour],
      ['date-festival', dates],
    ] as const) {
      const response = await fetch(`${runtime.url}/articles/${slug}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${runtime.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(story),
      });
      expect(response.status).toBe(201);
    }
    await runtime.settled();
    await runtime.refreshCatalog();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await runtime?.close();
  });

  for (const feed of PAGES) {
    it(`${feed.path}: a navigation gets the feed's page, with its stories, no script and no XSLT`, async () => {
      // Prepare
      const { page, consoleErrors } = await openPage({ viewport: DESKTOP });
      // Act
      const response = await page.goto(`${runtime.url}${feed.path}`, { waitUntil: 'load' });
      // Assess: the page, at the feed's own address, cached like the feed and under a strict policy.
      const headers = response?.headers() ?? {};
      expect(response?.status()).toBe(200);
      expect(headers['content-type']).toBe('text/html; charset=utf-8');
      expect(headers.vary).toContain('Sec-Fetch-Mode');
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(await page.evaluate(() => document.contentType)).toBe('text/html');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(feed.heading);
      expect(await page.locator('script').count()).toBe(0);
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as a person sees it
      const text = await page.locator('body').innerText();
      expect(text).not.toContain('XSLT');
      expect(text).toContain('Follow this feed');
      expect(consoleErrors).toEqual([]);
      // The three formats, for a person to copy and for a reader or extension given the page.
      const alternates = await page
        .locator('link[rel="alternate"]')
        .evaluateAll((links) => links.map((link) => `${link.getAttribute('type')} ${link.getAttribute('href')}`));
      const feedDirectory = feed.path.slice(0, feed.path.lastIndexOf('/'));
      expect(alternates).toEqual([
        `application/rss+xml ${runtime.url}${feedDirectory}/feed.xml`,
        `application/atom+xml ${runtime.url}${feedDirectory}/atom.xml`,
        `application/feed+json ${runtime.url}${feedDirectory}/feed.json`,
      ]);
      for (const address of alternates) expect(text).toContain(address.split(' ')[1]);
      // The English story, with its photo, caption and credit.
      const story = page.getByRole('article').filter({ hasText: harbour.title });
      const headline = story.getByRole('link', { name: harbour.title });
      expect(await headline.getAttribute('href')).toBe(`${runtime.url}/articles/harbour-reopens`);
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as a person sees it
      const storyText = await story.innerText();
      expect(storyText).toContain(harbour.kicker.toUpperCase());
      expect(storyText).toContain(harbour.summary);
      expect(storyText).toContain('By Nadia Rahman · 9 March 2026, 09:30 UTC+09:00');
      expect(storyText).not.toContain('Updated');
      expect(await story.locator('time').first().getAttribute('datetime')).toBe(harbour.publishedAt);
      expect(await story.getByRole('img', { name: harbour.image.alt }).count()).toBe(1);
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as a person sees it
      expect(await story.locator('figcaption').innerText()).toBe(`${harbour.image.caption} ${harbour.image.credit}`);
      // The Arabic story, right to left, in the feeds that hold it.
      if (feed.name !== 'author-json') {
        const arabic = page.getByRole('article').filter({ hasText: dates.title });
        expect(await arabic.getAttribute('lang')).toBe('ar');
        expect(await arabic.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
      }
      expect(await seriousAccessibilityViolations(page, axe)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${feed.name}-desktop.png`), fullPage: true });
    });

    it(`${feed.path}: any other request to the same address gets the feed unchanged`, async () => {
      // Prepare
      const { page } = await openPage({ viewport: DESKTOP });
      // Act: a script's request from the browser, and a feed reader sending browser-like Accept.
      const fromBrowser = await page.request.get(`${runtime.url}${feed.path}`);
      const fromReader = await fetch(`${runtime.url}${feed.path}`, {
        headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'user-agent': 'Miniflux/2.2' },
      });
      // Assess
      expect(fromBrowser.headers()['content-type']).toBe(feed.feedType);
      expect(fromReader.headers.get('content-type')).toBe(feed.feedType);
      expect(fromReader.headers.get('vary')).toContain('Sec-Fetch-Dest');
      const body = await fromReader.text();
      expect(await fromBrowser.text()).toBe(body);
      expect(body).toContain(feed.name === 'author-json' ? '"version": "https://jsonfeed.org/version/1.1"' : '<?xml');
      expect(body).not.toContain('<!DOCTYPE html>');
    });
  }

  it('/feed.xml is readable on a phone, in dark mode, and from the keyboard', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      // Prepare
      const { page } = await openPage({ viewport: PHONE, colorScheme });
      // Act
      await page.goto(`${runtime.url}/feed.xml`, { waitUntil: 'load' });
      // Assess
      expect(await hasHorizontalScroll(page)).toBe(false);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background === 'rgb(22, 24, 27)').toBe(colorScheme === 'dark');
      expect(await seriousAccessibilityViolations(page, axe)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `site-rss-phone-${colorScheme}.png`), fullPage: true });
    }
    const { page } = await openPage({ viewport: DESKTOP });
    await page.goto(`${runtime.url}/feed.xml`, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the stories');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#stories');
  });

  it('a category link on a story opens that category’s page', async () => {
    // Prepare
    const { page } = await openPage({ viewport: DESKTOP });
    await page.goto(`${runtime.url}/feed.xml`, { waitUntil: 'load' });
    const story = page.getByRole('article').filter({ hasText: harbour.title });
    // Act
    await story.getByRole('link', { name: 'Local' }).click();
    await page.waitForURL(`${runtime.url}/categories/local/feed.xml`);
    // Assess
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('The Daily Meridian: Local');
    expect(await page.evaluate(() => document.contentType)).toBe('text/html');
  });

  it('/ lists every feed in the same look, with no script', async () => {
    for (const [viewport, name] of [
      [DESKTOP, 'index-desktop'],
      [PHONE, 'index-phone'],
    ] as const) {
      // Prepare
      const { page, consoleErrors } = await openPage({ viewport });
      // Act
      const response = await page.goto(`${runtime.url}/`, { waitUntil: 'load' });
      // Assess
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
      expect(await page.locator('script').count()).toBe(0);
      for (const name of ['The Daily Meridian', 'Local', 'Nadia Rahman', 'محمد علي']) {
        expect(await page.getByRole('link', { name, exact: true }).count()).toBe(1);
      }
      expect(await hasHorizontalScroll(page)).toBe(false);
      expect(consoleErrors).toEqual([]);
      expect(await seriousAccessibilityViolations(page, axe)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    }
    const { page } = await openPage({ viewport: DESKTOP });
    await page.goto(`${runtime.url}/`, { waitUntil: 'load' });
    await page.getByRole('link', { name: 'Nadia Rahman', exact: true }).click();
    await page.waitForURL(`${runtime.url}/authors/nadia-rahman/feed.xml`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('The Daily Meridian: Nadia Rahman');
  });
});
