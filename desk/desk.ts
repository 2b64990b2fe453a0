import type { Article, ArticleStatus } from '../functions/domain/article.js';
import {
  changedFields,
  type DeskForm,
  directionOf,
  EMPTY_FORM,
  FIELDS,
  type FieldName,
  feedsOf,
  fieldOfPointer,
  formOf,
  requestOf,
  shownTime,
  suggestedSlug,
  zoneOffset,
} from './desk-logic.js';

/**
 * The editors' desk: the page's wiring. It talks to the ingest API on its own origin with the
 * token in the Authorization header; the token lives in this tab's sessionStorage only.
 */

const TOKEN_KEY = 'desk:ingest-token';
const STATUSES: readonly ArticleStatus[] = ['published', 'scheduled', 'retracted'];

interface Problem {
  title?: string;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
  current?: Article | null;
}

type ApiAnswer = { status: number; etag: string | null; body: unknown };

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
};

const input = (name: FieldName) => element<HTMLInputElement | HTMLTextAreaElement>(`field-${name}`);

/** The story being edited: undefined for a new one. */
let editing: { article: Article; etag: string | null } | undefined;
const cursors = new Map<ArticleStatus, string | undefined>();

async function api(method: string, path: string, options: { body?: unknown; ifMatch?: string | null } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  const response = await fetch(path, {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.status === 401 && sessionStorage.getItem(TOKEN_KEY)) signOut('The token was refused: sign in again.');
  return { status: response.status, etag: response.headers.get('etag'), body };
}

// --- Signing in and out ------------------------------------------------------------------------

function showDesk(signedIn: boolean): void {
  element('sign-in').hidden = signedIn;
  element('desk').hidden = !signedIn;
  element('signed-in').hidden = !signedIn;
}

async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const token = element<HTMLInputElement>('token').value.trim();
  const problem = element('sign-in-problem');
  problem.textContent = '';
  if (!token) {
    problem.textContent = 'Enter your ingest token.';
    element('token').focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  const answer = await api('GET', '/articles?limit=1').catch(() => ({ status: 0, etag: null, body: undefined }));
  if (answer.status !== 200) {
    sessionStorage.removeItem(TOKEN_KEY);
    problem.textContent =
      answer.status === 401
        ? 'That token was refused. Check it: under npm start it is in .data/ingest-token; for a deployed site, ask whoever runs it.'
        : 'The desk could not reach the ingest API. Try again in a moment.';
    element('token').focus();
    return;
  }
  element<HTMLInputElement>('token').value = '';
  showDesk(true);
  // The form first, so nothing typed while the lists load is lost.
  newStory();
  await refreshLists();
}

function signOut(message = ''): void {
  sessionStorage.removeItem(TOKEN_KEY);
  editing = undefined;
  for (const status of STATUSES) element(`list-${status}`).replaceChildren();
  showDesk(false);
  element('sign-in-problem').textContent = message;
  element('token').focus();
}

// --- The lists ---------------------------------------------------------------------------------

async function loadList(status: ArticleStatus, more = false): Promise<void> {
  const cursor = more ? cursors.get(status) : undefined;
  const query = new URLSearchParams({ status, limit: '20', ...(cursor ? { cursor } : {}) });
  const answer = await api('GET', `/articles?${query}`);
  if (answer.status !== 200) return;
  const page = answer.body as { articles: Article[]; cursor?: string };
  const list = element(`list-${status}`);
  if (!more) list.replaceChildren();
  for (const article of page.articles) list.append(listItem(article));
  if (!more && page.articles.length === 0) {
    const none = document.createElement('li');
    none.className = 'none';
    none.textContent = 'None.';
    list.append(none);
  }
  cursors.set(status, page.cursor);
  const button = document.querySelector<HTMLButtonElement>(`button.more[data-status="${status}"]`);
  if (button) button.hidden = page.cursor === undefined;
}

function listItem(article: Article): HTMLLIElement {
  const item = document.createElement('li');
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'story-link';
  open.lang = article.language;
  open.dir = directionOf(article.language);
  const headline = document.createElement('span');
  headline.className = 'headline';
  headline.textContent = article.title;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.lang = 'en';
  meta.dir = 'ltr';
  meta.textContent = `${article.status === 'retracted' ? 'Retracted' : article.status === 'scheduled' ? 'Scheduled for' : 'Published'} ${shownTime(
    article.status === 'retracted' && article.retractedAt ? article.retractedAt : article.publishedAt,
  )}`;
  open.append(headline, meta);
  open.addEventListener('click', () => void openStory(article.slug));
  item.append(open);
  return item;
}

async function refreshLists(): Promise<void> {
  await Promise.all(STATUSES.map((status) => loadList(status)));
}

// --- The form ----------------------------------------------------------------------------------

function readForm(): DeskForm {
  return Object.fromEntries(FIELDS.map((field) => [field.name, input(field.name).value])) as unknown as DeskForm;
}

function fillForm(form: DeskForm): void {
  for (const field of FIELDS) input(field.name).value = form[field.name];
  applyDirection();
}

function applyDirection(): void {
  const language = input('language').value;
  const dir = directionOf(language);
  for (const name of ['title', 'kicker', 'summary', 'body', 'caption', 'imageAlt'] as const) {
    input(name).dir = dir;
    if (language.trim()) input(name).lang = language.trim();
    else input(name).removeAttribute('lang');
  }
}

function clearProblems(): void {
  for (const field of FIELDS) {
    element(`problem-${field.name}`).textContent = '';
    input(field.name).removeAttribute('aria-invalid');
    const described = (input(field.name).getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && id !== `problem-${field.name}`);
    if (described.length) input(field.name).setAttribute('aria-describedby', described.join(' '));
    else input(field.name).removeAttribute('aria-describedby');
  }
  element('problem-story').textContent = '';
}

/** Each problem next to its field, the first field focused; problems of the whole story above the buttons. */
function showProblems(problem: Problem): void {
  clearProblems();
  let first: HTMLElement | undefined;
  const general: string[] = [];
  for (const error of problem.errors ?? []) {
    const name = fieldOfPointer(error.pointer);
    if (!name) {
      general.push(error.detail);
      continue;
    }
    const label = FIELDS.find((field) => field.name === name)!.label;
    const place = element(`problem-${name}`);
    place.textContent = `${place.textContent ? `${place.textContent} ` : ''}${label} ${error.detail}.`;
    const field = input(name);
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', `${field.getAttribute('aria-describedby') ?? ''} problem-${name}`.trim());
    first ??= field;
  }
  if (!problem.errors?.length) general.push(problem.detail ?? problem.title ?? 'The story could not be saved.');
  element('problem-story').textContent = general.join(' ');
  (first ?? element('problem-story')).focus();
}

function say(...nodes: (Node | string)[]): void {
  element('outcome').replaceChildren(...nodes);
}

function setState(article: Article | undefined): void {
  const heading = element('editor-heading');
  const state = element('story-state');
  const slug = input('slug') as HTMLInputElement;
  element('retract').hidden = article?.status !== 'published' && article?.status !== 'scheduled';
  element('restore').hidden = article?.status !== 'retracted';
  element('publish').textContent = article?.status === 'published' ? 'Publish correction' : 'Publish';
  slug.readOnly = article !== undefined;
  if (!article) {
    heading.textContent = 'New story';
    state.textContent = '';
    return;
  }
  heading.textContent = 'Edit story';
  const corrected = Date.parse(article.updatedAt) > Date.parse(article.publishedAt) && article.revision > 1;
  state.textContent =
    article.status === 'published'
      ? `Published ${shownTime(article.publishedAt)}${corrected ? `; updated ${shownTime(article.updatedAt)}` : ''}.`
      : article.status === 'scheduled'
        ? `Scheduled for ${shownTime(article.publishedAt)}.`
        : `Retracted ${shownTime(article.retractedAt ?? article.updatedAt)}: in no feed.`;
}

function newStory(): void {
  editing = undefined;
  fillForm({ ...EMPTY_FORM, zone: zoneOffset(new Date()) });
  setState(undefined);
  clearProblems();
  hideConflict();
  element('preview-panel').hidden = true;
  say();
  input('title').focus();
}

async function openStory(slug: string): Promise<void> {
  const answer = await api('GET', `/articles/${encodeURIComponent(slug)}`);
  if (answer.status !== 200) {
    say(`The story could not be opened (${answer.status}).`);
    return;
  }
  const article = answer.body as Article;
  editing = { article, etag: answer.etag };
  fillForm(formOf(article));
  setState(article);
  clearProblems();
  hideConflict();
  element('preview-panel').hidden = true;
  say();
  input('title').focus();
}

function currentRequest(): Record<string, unknown> {
  const article = editing?.article;
  return requestOf(readForm(), {
    bodyIsHtml: article !== undefined && article.bodyMarkdown === undefined,
    keepPublishedAt: article?.publishedAt,
  });
}

function currentSlug(): string {
  return editing?.article.slug ?? (input('slug').value.trim() || suggestedSlug(input('title').value) || 'untitled');
}

// --- Preview, publish, retract ----------------------------------------------------------------

async function preview(): Promise<void> {
  const slug = editing?.article.slug;
  const answer = await api('POST', `/articles/preview${slug ? `?slug=${encodeURIComponent(slug)}` : ''}`, { body: currentRequest() });
  if (answer.status !== 200) {
    showProblems((answer.body ?? {}) as Problem);
    return;
  }
  clearProblems();
  const { article, items } = answer.body as { article: Article; items: { rss: string; atom: string; json: { content_html?: string } } };
  renderReaderView(article, items.json.content_html ?? '');
  element('preview-rss').textContent = items.rss;
  element('preview-atom').textContent = items.atom;
  element('preview-json').textContent = JSON.stringify(items.json, null, 2);
  element('preview-panel').hidden = false;
  element('preview-heading').focus();
}

/** The story as a reader's app shows it: headline, byline and time, then the item's HTML. */
function renderReaderView(article: Article, contentHtml: string): void {
  const view = element('reader-view');
  view.lang = article.language;
  view.dir = directionOf(article.language);
  const kicker = document.createElement('p');
  kicker.className = 'kicker';
  kicker.textContent = article.kicker ?? '';
  const headline = document.createElement('h4');
  headline.textContent = article.title;
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.textContent = [article.authors.map((author) => author.name).join(', '), shownTime(article.publishedAt)].filter(Boolean).join(' · ');
  // The item's HTML is the product's own output: sanitised on the way in, rendered by the feeds'
  // renderer. Parsed inert (no script runs in a parsed document) before it joins the page.
  const content = document.createElement('div');
  content.className = 'content';
  content.append(...new DOMParser().parseFromString(contentHtml, 'text/html').body.childNodes);
  view.replaceChildren(...(article.kicker ? [kicker] : []), headline, meta, content);
}

function link(label: string, url: string): HTMLAnchorElement {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.textContent = label;
  return anchor;
}

function saidWhereItIs(article: Article, created: boolean): void {
  if (article.status === 'scheduled') {
    say(`Scheduled for ${shownTime(article.publishedAt)}. It enters the feeds then.`);
    return;
  }
  const list = document.createElement('ul');
  for (const feed of feedsOf(article, location.origin)) {
    const item = document.createElement('li');
    item.append(link(feed.label, feed.url));
    list.append(item);
  }
  const words = created ? 'Published.' : 'Saved: the correction is in the feeds.';
  say(`${words} It is in these feeds (within a few seconds):`, list);
}

async function publish(options: { overwrite?: Article } = {}): Promise<void> {
  hideConflict();
  const slug = currentSlug();
  if (!editing && !options.overwrite) {
    // A new story must not replace one already stored at its slug.
    const existing = await api('GET', `/articles/${encodeURIComponent(slug)}`);
    if (existing.status === 200) {
      const title = (existing.body as Article).title;
      showProblems({
        errors: [
          {
            pointer: '/slug',
            detail: `is already the address of another story (“${title}”): choose another, or open that story from the list`,
          },
        ],
      });
      return;
    }
  }
  const ifMatch = options.overwrite ? `"r${options.overwrite.revision}"` : (editing?.etag ?? null);
  const answer = await api('PUT', `/articles/${encodeURIComponent(slug)}`, { body: currentRequest(), ifMatch });
  if (!editing && answer.status === 201) input('slug').value = slug;
  if (answer.status === 412) {
    showConflict((answer.body as Problem).current ?? undefined);
    return;
  }
  if (answer.status !== 200 && answer.status !== 201) {
    showProblems((answer.body ?? {}) as Problem);
    return;
  }
  const article = answer.body as Article;
  editing = { article, etag: answer.etag };
  clearProblems();
  setState(article);
  saidWhereItIs(article, answer.status === 201);
  await refreshLists();
}

async function retract(): Promise<void> {
  if (!editing) return;
  if (!confirm(`Retract “${editing.article.title}”? It leaves every feed; it can be restored later.`)) return;
  const answer = await api('DELETE', `/articles/${encodeURIComponent(editing.article.slug)}`);
  if (answer.status !== 204) {
    say(`The story could not be retracted (${answer.status}).`);
    return;
  }
  await openStory(editing.article.slug);
  say('Retracted: it is out of every feed.');
  await refreshLists();
}

// --- Conflicts --------------------------------------------------------------------------------

let theirs: Article | undefined;

function showConflict(current: Article | undefined): void {
  theirs = current;
  const section = element('conflict');
  const rows = element('conflict-fields');
  rows.replaceChildren();
  if (!current) {
    element('conflict-summary').textContent = 'The story was removed or never existed at this slug. Keep your version to store it anew.';
  } else {
    element('conflict-summary').textContent =
      `While you edited, the story was saved by someone else (revision ${current.revision}, ${shownTime(current.updatedAt)}). Nothing of yours was stored yet: choose which version to keep.`;
    for (const change of changedFields(readForm(), formOf(current))) {
      const row = document.createElement('tr');
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = change.label;
      const mine = document.createElement('td');
      mine.textContent = change.mine;
      const other = document.createElement('td');
      other.textContent = change.theirs;
      row.append(name, mine, other);
      rows.append(row);
    }
  }
  section.hidden = false;
  element('conflict-heading').setAttribute('tabindex', '-1');
  element('conflict-heading').focus();
}

function hideConflict(): void {
  element('conflict').hidden = true;
  theirs = undefined;
}

async function keepMine(): Promise<void> {
  const current = theirs;
  await publish(current ? { overwrite: current } : {});
}

function takeTheirs(): void {
  if (!theirs) return;
  editing = { article: theirs, etag: `"r${theirs.revision}"` };
  fillForm(formOf(theirs));
  setState(theirs);
  hideConflict();
  say('Their version is loaded; your changes were set aside.');
  input('title').focus();
}

// --- Wiring -----------------------------------------------------------------------------------

function start(): void {
  element<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => void signIn(event));
  element('sign-out').addEventListener('click', () => signOut());
  element('new-story').addEventListener('click', newStory);
  element('preview').addEventListener('click', () => void preview());
  element<HTMLFormElement>('story-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void publish();
  });
  element('retract').addEventListener('click', () => void retract());
  element('restore').addEventListener('click', () => void publish());
  element('keep-mine').addEventListener('click', () => void keepMine());
  element('take-theirs').addEventListener('click', takeTheirs);
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.more')) {
    button.addEventListener('click', () => void loadList(button.dataset.status as ArticleStatus, true));
  }
  // Any change of the form may be a new language: the direction follows, however it was typed.
  element('story-form').addEventListener('input', applyDirection);
  element('story-form').addEventListener('change', applyDirection);
  input('title').addEventListener('input', () => {
    if (!editing) input('slug').placeholder = suggestedSlug(input('title').value);
  });
  if (sessionStorage.getItem(TOKEN_KEY)) {
    showDesk(true);
    newStory();
    void refreshLists();
  } else {
    showDesk(false);
  }
}

start();
