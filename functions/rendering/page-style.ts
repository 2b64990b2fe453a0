import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the pages for people (each feed's page and the feed directory), inline in
 * each so a page is one request. Light and dark, phone to desktop; colours chosen for WCAG AA
 * contrast in both schemes (axe-core checks them in the browser tests).
 */
export const PAGE_STYLE = [
  ':root{color-scheme:light dark;--text:#1b1b1b;--muted:#4d4d4d;--back:#fdfcf9;--accent:#8a1c1c;--panel:#f3eee6;--rule:#d6d0c4}',
  '@media (prefers-color-scheme:dark){:root{--text:#ecebe8;--muted:#c2beb7;--back:#16181b;--accent:#ffab9e;--panel:#23262b;--rule:#3d4148}}',
  '*{box-sizing:border-box}',
  'body{margin:0;background:var(--back);color:var(--text);font:1.0625rem/1.55 Georgia,"Times New Roman",serif;overflow-wrap:anywhere}',
  '.page{max-width:46rem;margin:0 auto;padding:1.25rem 1rem 4rem}',
  'a{color:var(--accent)}',
  'a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}',
  '.skip{position:absolute;left:-100vw}',
  '.skip:focus{position:static}',
  'header{border-bottom:3px double var(--rule);margin-bottom:1.25rem}',
  '.site{font:600 .95rem/1.3 system-ui,sans-serif;margin:0}',
  'h1{font-size:clamp(1.6rem,5vw,2.2rem);line-height:1.2;margin:.3rem 0}',
  'h2{font:700 1.05rem/1.3 system-ui,sans-serif;margin:1.5rem 0 .5rem}',
  '.follow{background:var(--panel);border-left:4px solid var(--accent);padding:.75rem 1rem;font:.95rem/1.5 system-ui,sans-serif}',
  '.follow h2{margin-top:0}',
  '.addresses{margin:.5rem 0 0;padding:0;list-style:none}',
  '.addresses li{margin:.35rem 0}',
  'code{font:.9rem/1.4 ui-monospace,Menlo,Consolas,monospace;background:var(--back);padding:.1rem .3rem;border:1px solid var(--rule)}',
  '.stories{list-style:none;margin:0;padding:0}',
  'article{border-bottom:1px solid var(--rule);padding:1rem 0}',
  'article h3{font-size:1.3rem;line-height:1.3;margin:.1rem 0 .35rem}',
  '.kicker{font:700 .8rem/1.3 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.05em;color:var(--accent);margin:0}',
  '.meta,.categories,figcaption,nav,footer{font:.875rem/1.45 system-ui,sans-serif;color:var(--muted)}',
  '.meta{margin:0 0 .5rem}',
  'figure{margin:.6rem 0}',
  'img{max-width:100%;height:auto;background:var(--panel)}',
  '.credit{font-style:italic}',
  '.categories{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}',
  'nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}',
  'footer{margin-top:2rem}',
  '.feeds li{margin:.25rem 0}',
].join('');

/**
 * The Content-Security-Policy the CDN sends with every file (the distribution's response headers
 * policy and the local CDN stand-in both take it from here): no script of any kind, nothing loaded
 * but this stylesheet (by its hash) and the stories' photos, no forms, no framing.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
  'img-src https: http:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
