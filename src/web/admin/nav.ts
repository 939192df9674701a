// The manager console's own navigation.
import { html } from '../html.js';

const SECTIONS = [
  { href: '/manage', label: 'Overview' },
  { href: '/manage/reviews', label: 'Reviews' },
  { href: '/manage/members', label: 'Members' },
  { href: '/manage/sync', label: 'Sources' },
  { href: '/manage/rules', label: 'Rules' },
  { href: '/manage/awards', label: 'Awards' },
  { href: '/manage/reports', label: 'Reports' },
  { href: '/manage/audit', label: 'Audit log' },
  { href: '/manage/exports', label: 'Exports' },
  { href: '/manage/countries', label: 'Countries' },
  { href: '/manage/api-tokens', label: 'API tokens' },
];

export function adminNav(current: string) {
  return html`<nav aria-label="Manager console" class="subnav"><ul class="tabs">${SECTIONS.map((s) =>
    s.href === current ? html`<li><a href="${s.href}" aria-current="page">${s.label}</a></li>` : html`<li><a href="${s.href}">${s.label}</a></li>`,
  )}</ul></nav>`;
}
