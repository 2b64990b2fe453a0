/// <reference lib="dom" />
// The functions given to page.evaluate run in the browser, with its DOM.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/local-runtime.js';
import { axeSource, hasHorizontalScroll, launchChromium, seriousAccessibilityViolations } from '../support/browser-checks.js';
import { eventually } from '../support/local-server-process.js';

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const TOKEN = 'desk-browser-token-0123456789';
const PHOTO = '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="1600" height="900" fill="#5b7c99"/></svg>';

/** What a person would wait for on the page: each polls until it holds (the page answers asynchronously). */
const shows = (locator: Locator, text: string) => eventually(async () => expect((await locator.textContent()) ?? '').toContain(text));
const reads = (locator: Locator, text: string) => eventually(async () => expect(((await locator.textContent()) ?? '').trim()).toBe(text));
const appears = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
const focused = (locator: Locator) =>
  eventually(async () => expect(await locator.evaluate((node) => node === document.activeElement)).toBe(true));
const attribute = (locator: Locator, name: string, value: string) =>
  eventually(async () => expect(await locator.getAttribute(name)).toBe(value));
const value = (locator: Locator, text: string) => eventually(async () => expect(await locator.inputValue()).toBe(text));

describe('Browser: an editor at the desk', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let axe: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    axe = await axeSource();
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await runtime?.close();
  });

  /** A fresh tab at the desk, photos from the newsroom's image host answered locally. */
  async function openDesk(viewport = DESKTOP): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // No favicon is served; and a new story's slug is checked free by asking for it: its 404 is the answer hoped for.
      const from = message.location().url;
      if (message.type() === 'error' && !from.endsWith('/favicon.ico') && !/\/articles\/[a-z0-9-]+$/.test(from))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // Nothing leaves the machine: any request to another origin is a failure of the page.
    await page.route(
      (url) => !url.href.startsWith(runtime.url),
      (route) => {
        if (route.request().url().startsWith('https://images.example.com/')) {
          return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: PHOTO });
        }
        problems.push(`request to ${route.request().url()}`);
        return route.abort();
      },
    );
    await page.goto(`${runtime.url}/desk/`);
    return { page, problems };
  }

  async function signIn(page: Page, token = TOKEN): Promise<void> {
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in: the form is ready (its zone filled in) before anything is typed into it.
    if (token === TOKEN) await eventually(async () => expect(await page.getByLabel('Time zone').inputValue()).not.toBe(''));
  }

  async function feedText(feedPath: string): Promise<string> {
    return (await fetch(`${runtime.url}${feedPath}`)).text();
  }

  it('signs in with the ingest token only, keeps it in the tab, and refuses a wrong one clearly', async () => {
    // Prepare
    const { page, problems } = await openDesk();
    // Act: a wrong token first.
    await signIn(page, 'not-the-token');
    // Assess
    await shows(page.getByRole('alert'), 'That token was refused');
    expect(await seriousAccessibilityViolations(page, axe)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-sign-in.png'), fullPage: true });
    // Act: the right one.
    await signIn(page);
    // Assess
    await appears(page.getByRole('heading', { name: 'Stories' }));
    const storage = await page.evaluate(() => ({ local: localStorage.length, cookie: document.cookie, url: location.href }));
    expect(storage).toEqual({ local: 0, cookie: '', url: `${runtime.url}/desk/` });
    // Act: sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Assess
    await appears(page.getByLabel('Token'));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems.filter((problem) => !problem.includes('401'))).toEqual([]);
  });

  it('refuses a story without a title next to its field, and stores nothing', async () => {
    // Prepare
    const { page } = await openDesk();
    await signIn(page);
    await page.getByLabel('Body').fill('A story with no headline.');
    // Act
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    // Assess
    const title = page.getByLabel('Title');
    await reads(page.locator('#problem-title'), 'Title is required.');
    await focused(title);
    await attribute(title, 'aria-invalid', 'true');
    expect(await title.evaluate((field) => field.getAttribute('aria-describedby'))).toContain('problem-title');
    expect(
      (await fetch(`${runtime.url}/articles?status=published`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) =>
        r.json(),
      )) as unknown,
    ).toEqual({ articles: [] });
  });

  it('previews a story as a reader and as each format, publishes it, and says where it is', async () => {
    // Prepare
    const { page, problems } = await openDesk();
    await signIn(page);
    await page.getByLabel('Title').fill('Harbour reopens after storm repairs');
    await page.getByLabel('Kicker').fill('Transport');
    await page.getByLabel('Summary').fill('Ferries run again from Monday.');
    await page.getByLabel('Body').fill('The harbour reopens **on Monday**.\n\nThe quay was rebuilt.');
    await page.getByLabel('Authors').fill('Nadia Rahman, Tomás Reyes');
    await page.getByLabel('Categories').fill('Local');
    await page.getByLabel('Image URL').fill('https://images.example.com/harbour.jpg');
    await page.getByLabel('Image description').fill('Cranes over the harbour at dawn');
    await page.getByLabel('Caption').fill('The repaired quay.');
    await page.getByLabel('Credit').fill('Jane Roe / Reuters');
    // Act
    await page.getByRole('button', { name: 'Preview' }).click();
    // Assess: the reader's view, Markdown rendered, and the exact items.
    const reader = page.locator('#reader-view');
    await appears(reader.getByRole('heading', { name: 'Harbour reopens after storm repairs' }));
    await reads(reader.locator('strong'), 'on Monday');
    await shows(reader.locator('figcaption'), 'Jane Roe / Reuters');
    await shows(page.locator('#preview-rss'), '<title>Harbour reopens after storm repairs</title>');
    await shows(page.locator('#preview-rss'), '<media:credit');
    await shows(page.locator('#preview-atom'), '<entry');
    await shows(page.locator('#preview-json'), '"title": "Harbour reopens after storm repairs"');
    expect(
      (await fetch(`${runtime.url}/articles/harbour-reopens-after-storm-repairs`, { headers: { authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(404);
    expect(await seriousAccessibilityViolations(page, axe)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-preview-desktop.png'), fullPage: true });
    // Act
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    // Assess
    const outcome = page.getByRole('status');
    await shows(outcome, 'Published.');
    await attribute(outcome.getByRole('link', { name: 'Category: Local' }), 'href', `${runtime.url}/categories/local/feed.xml`);
    await appears(page.locator('#list-published').getByRole('button', { name: /Harbour reopens after storm repairs/ }));
    await eventually(async () => expect(await feedText('/feed.xml')).toContain('<title>Harbour reopens after storm repairs</title>'));
    expect(problems).toEqual([]);
  });

  it('schedules a story for later, corrects a published one, and retracts and restores it', async () => {
    // Prepare
    const { page } = await openDesk();
    await signIn(page);
    // Act: schedule.
    await page.getByRole('button', { name: 'New story' }).click();
    await page.getByLabel('Title').fill('Council budget vote next week');
    await page.getByLabel('Body').fill('The vote is on Thursday.');
    await page.getByLabel('Publish at').fill('2030-01-15T09:30');
    await page.getByLabel('Time zone').fill('+01:00');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    // Assess
    await shows(page.getByRole('status'), 'Scheduled for');
    await appears(page.locator('#list-scheduled').getByRole('button', { name: /Council budget vote next week/ }));
    // Act: correct the story published before.
    await page
      .locator('#list-published')
      .getByRole('button', { name: /Harbour reopens after storm repairs/ })
      .click();
    await value(page.getByLabel('Slug'), 'harbour-reopens-after-storm-repairs');
    await attribute(page.getByLabel('Slug'), 'readonly', '');
    await page.getByLabel('Title').fill('Harbour reopens after storm repairs, a day late');
    await page.getByRole('button', { name: 'Publish correction' }).click();
    // Assess: the publish time kept, the correction in the feed.
    await shows(page.getByRole('status'), 'Saved: the correction is in the feeds.');
    await shows(page.locator('#story-state'), 'updated');
    await eventually(async () => expect(await feedText('/feed.xml')).toContain('Harbour reopens after storm repairs, a day late'));
    // Act: retract, confirming.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Retract' }).click();
    // Assess
    await shows(page.getByRole('status'), 'Retracted: it is out of every feed.');
    await appears(page.locator('#list-retracted').getByRole('button', { name: /a day late/ }));
    await eventually(async () => expect(await feedText('/feed.json')).not.toContain('a day late'));
    // Act: restore.
    await page.getByRole('button', { name: 'Restore' }).click();
    // Assess
    await shows(page.getByRole('status'), 'in the feeds');
    await eventually(async () => expect(await feedText('/feed.json')).toContain('a day late'));
  });

  it('catches an edit made from a stale copy, shows what changed, and lets the editor choose', async () => {
    // Prepare: two tabs open the same story.
    const first = await openDesk();
    const second = await openDesk();
    for (const { page } of [first, second]) {
      await signIn(page);
      await page
        .locator('#list-published')
        .getByRole('button', { name: /a day late/ })
        .click();
      await value(page.getByLabel('Title'), 'Harbour reopens after storm repairs, a day late');
    }
    await second.page.getByLabel('Title').fill('Harbour reopens on Tuesday');
    await second.page.getByRole('button', { name: 'Publish correction' }).click();
    await shows(second.page.getByRole('status'), 'Saved');
    // Act: the first tab saves over a copy that is no longer current.
    await first.page.getByLabel('Summary').fill('Ferries run again from Tuesday.');
    await first.page.getByRole('button', { name: 'Publish correction' }).click();
    // Assess: nothing overwritten; both versions shown.
    const conflict = first.page.getByRole('region', { name: 'Someone else changed this story' });
    await appears(conflict);
    await shows(conflict.getByRole('row', { name: /Title/ }), 'Harbour reopens on Tuesday');
    expect(
      await fetch(`${runtime.url}/articles/harbour-reopens-after-storm-repairs`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(
        (r) => r.json(),
      ),
    ).toMatchObject({
      title: 'Harbour reopens on Tuesday',
    });
    expect(await seriousAccessibilityViolations(first.page, axe)).toEqual([]);
    await first.page.screenshot({ path: path.join(SCREENSHOTS, 'desk-conflict.png'), fullPage: true });
    // Act: take theirs, then save the summary on top.
    await conflict.getByRole('button', { name: 'Take their version' }).click();
    await value(first.page.getByLabel('Title'), 'Harbour reopens on Tuesday');
    await first.page.getByLabel('Summary').fill('Ferries run again from Tuesday.');
    await first.page.getByRole('button', { name: 'Publish correction' }).click();
    // Assess
    await shows(first.page.getByRole('status'), 'Saved');
    expect(
      await fetch(`${runtime.url}/articles/harbour-reopens-after-storm-repairs`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(
        (r) => r.json(),
      ),
    ).toMatchObject({
      title: 'Harbour reopens on Tuesday',
      summary: 'Ferries run again from Tuesday.',
    });
  });

  it('writes right to left for a right-to-left language, and fits a phone', async () => {
    // Prepare
    const { page } = await openDesk(PHONE);
    await signIn(page);
    // Act
    await page.getByLabel('Language').fill('ar');
    await page.getByLabel('Title').fill('مهرجان التمور يجذب أعدادًا قياسية');
    // Assess
    await attribute(page.getByLabel('Title'), 'dir', 'rtl');
    await attribute(page.getByLabel('Body'), 'dir', 'rtl');
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(await seriousAccessibilityViolations(page, axe)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-phone-rtl.png'), fullPage: true });
  });
});
