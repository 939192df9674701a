// The page frame: skip link, header with navigation, main landmark, footer. Every page goes
// through here so landmarks, titles and the stylesheet are the same everywhere.
import { html, type Html, type Renderable } from '../html.js';
import type { Viewer } from '../session.js';

export interface PageFrame {
  program: string;
  associationUrl: string;
  viewer: Viewer | null;
  /** CSRF token for the sign-out form; absent on cached anonymous pages. */
  csrf: string | null;
  path: string;
  flash?: { kind: 'notice' | 'error'; text: string } | null;
  /** The site's public address, for absolute og: URLs. */
  baseUrl?: string;
}

export interface PageContent {
  title: string;
  description?: string;
  main: Renderable;
  /** Extra <head> links (feeds). */
  head?: Renderable;
  /** OpenGraph: the share card (a path on this site) and what the page is. */
  og?: { image?: string; imageAlt?: string; type?: 'website' | 'profile' | 'article' };
}

/** The og: and twitter: tags of a page: every page has them, with the program's card by default. */
function openGraph(frame: PageFrame, content: PageContent): Html {
  const base = frame.baseUrl ?? '';
  const image = `${base}${content.og?.image ?? '/share/program.png'}`;
  return html`<meta property="og:site_name" content="${frame.program}">
<meta property="og:title" content="${content.title}">
<meta property="og:type" content="${content.og?.type ?? 'website'}">
<meta property="og:url" content="${base}${frame.path}">
${content.description ? html`<meta property="og:description" content="${content.description}">` : ''}
<meta property="og:image" content="${image}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="${content.og?.imageAlt ?? `${frame.program}`}">
<meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="${base}${frame.path}">`;
}

const NAV = [
  { href: '/', label: 'Home' },
  { href: '/ambassadors', label: 'Ambassadors' },
  { href: '/leaderboard', label: 'Leaderboard' },
  { href: '/awards', label: 'Awards' },
  { href: '/scoring', label: 'How scoring works' },
];

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function layout(frame: PageFrame, content: PageContent): Html {
  const viewer = frame.viewer;
  const isManager = viewer && (viewer.member.role === 'manager' || viewer.member.role === 'admin');
  const nav = NAV.map(
    (item) => html`<li><a href="${item.href}"${isCurrent(frame.path, item.href) ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
  );
  const account = viewer
    ? html`<li><a href="/me"${isCurrent(frame.path, '/me') ? html` aria-current="page"` : ''}>My dashboard</a></li>
        ${isManager ? html`<li><a href="/manage"${isCurrent(frame.path, '/manage') ? html` aria-current="page"` : ''}>Manage</a></li>` : ''}
        <li><form method="post" action="/sign-out" class="inline"><input type="hidden" name="_csrf" value="${frame.csrf ?? ''}"><button type="submit" class="link">Sign out</button></form></li>`
    : html`<li><a href="/sign-in">Sign in</a></li><li><a class="button small" href="/join">Join</a></li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${content.title === frame.program ? frame.program : `${content.title} · ${frame.program}`}</title>
${content.description ? html`<meta name="description" content="${content.description}">` : ''}
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="apple-touch-icon" href="/apple-touch-icon.png">
${openGraph(frame, content)}
<link rel="alternate" type="application/atom+xml" title="Recent contributions" href="/feed.atom">
${frame.csrf ? html`<meta name="csrf-token" content="${frame.csrf}">` : ''}
${content.head ?? ''}
<script src="/assets/site.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/"><img src="/assets/icon.svg" alt="" width="32" height="32"><span>${frame.program}</span></a>
    <nav aria-label="Main"><ul class="nav">${nav}</ul></nav>
    <nav aria-label="Account"><ul class="nav account">${account}</ul></nav>
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
${frame.flash ? html`<div class="flash ${frame.flash.kind}" role="${frame.flash.kind === 'error' ? 'alert' : 'status'}">${frame.flash.text}</div>` : ''}
${content.main}
</main>
<footer class="site-footer">
  <div class="wrap footer-row">
    <p>${frame.program}: recognising the people who build the Magento ecosystem.</p>
    <ul class="nav">
      <li><a href="/scoring">How scoring works</a></li>
      <li><a href="/api/docs">API</a></li>
      <li><a href="/feed.atom">Atom feed</a></li>
      <li><a href="${frame.associationUrl}" rel="noopener">Magento Association</a></li>
    </ul>
  </div>
</footer>
</body>
</html>`;
}
