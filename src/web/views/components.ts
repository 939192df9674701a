// Small building blocks shared by pages: status labels, avatars, pagination, form fields,
// empty states and dates.
import type { ActivityStatus } from '../../domain/status.js';
import { attrs, html, safeUrl, type Html, type Renderable } from '../html.js';
import { countryChoices } from '../../domain/countries.js';

export const STATUS_LABELS: Record<ActivityStatus, string> = {
  active: 'Active',
  lapsing: 'Lapsing soon',
  inactive: 'Inactive',
  'not-yet-joined': 'Not yet joined',
  suspended: 'Suspended',
  withdrawn: 'Withdrawn',
};

export function statusBadge(status: ActivityStatus): Html {
  return html`<span class="status status-${status}">${STATUS_LABELS[status]}</span>`;
}

export function avatar(member: { handle: string; name: string; avatar_url?: string | null }, size = 48): Html {
  const url = safeUrl(member.avatar_url ?? null);
  if (url && url.startsWith('https://')) {
    return html`<img class="avatar size-${size}" src="${url}" alt="" width="${size}" height="${size}" loading="lazy" referrerpolicy="no-referrer">`;
  }
  const initials = member.name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
  let hash = 0;
  for (const char of member.handle.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return html`<span class="avatar initials hue-${hash % 6} size-${size}" aria-hidden="true">${initials || '?'}</span>`;
}

export function formatDate(date: string | Date | null | undefined): string {
  if (!date) return '';
  const iso = typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${months[m - 1]} ${d}, ${y}`;
}

export function time(date: string | Date): Html {
  const iso = typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
  return html`<time datetime="${iso}">${formatDate(iso)}</time>`;
}

// One formatter for every figure: toLocaleString builds a new one on each call, which a page
// of fifty leaderboard rows felt.
const WHOLE_NUMBER = new Intl.NumberFormat('en-US');

export function formatPoints(points: number): string {
  if (!Number.isInteger(points)) return points.toFixed(2);
  // Below a thousand there is nothing to group (-0 keeps its sign, as the formatter writes it).
  return points >= 0 && points < 1000 && !Object.is(points, -0) ? String(points) : WHOLE_NUMBER.format(points);
}

/** Page links that keep the other query parameters. */
export function pagination(path: string, query: Record<string, string | undefined>, page: number, pages: number): Html {
  if (pages <= 1) return html``;
  const link = (target: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    if (target > 1) params.set('page', String(target));
    const qs = params.toString();
    return `${path}${qs ? `?${qs}` : ''}`;
  };
  const numbers: number[] = [];
  for (let n = Math.max(1, page - 2); n <= Math.min(pages, page + 2); n += 1) numbers.push(n);
  return html`<nav class="pagination" aria-label="Pages">
    ${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">← Previous</a>` : html`<span class="disabled">← Previous</span>`}
    ${numbers.map((n) => (n === page ? html`<span aria-current="page">${n}</span>` : html`<a href="${link(n)}">${n}</a>`))}
    <span class="page-of">of ${pages}</span>
    ${page < pages ? html`<a href="${link(page + 1)}" rel="next">Next →</a>` : html`<span class="disabled">Next →</span>`}
  </nav>`;
}

export interface FieldOptions {
  name: string;
  label: string;
  value?: string | null;
  type?: string;
  required?: boolean;
  hint?: Renderable;
  error?: string | null;
  autocomplete?: string;
  maxlength?: number;
  placeholder?: string;
  /** The id of a <datalist> of suggestions. */
  list?: string;
}

export function field(options: FieldOptions): Html {
  const id = `f-${options.name}`;
  const describedBy = [options.hint ? `${id}-hint` : null, options.error ? `${id}-error` : null].filter(Boolean).join(' ');
  const common = attrs({
    id,
    name: options.name,
    required: options.required,
    'aria-describedby': describedBy || null,
    'aria-invalid': options.error ? 'true' : null,
    autocomplete: options.autocomplete,
    maxlength: options.maxlength,
    placeholder: options.placeholder,
    list: options.list,
  });
  const control =
    options.type === 'textarea'
      ? html`<textarea${common} rows="5">${options.value ?? ''}</textarea>`
      : html`<input type="${options.type ?? 'text'}"${common} value="${options.value ?? ''}">`;
  return html`<div class="field${options.error ? ' has-error' : ''}">
    <label for="${id}">${options.label}${options.required ? html` <span class="req" aria-hidden="true">*</span>` : ''}</label>
    ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
    ${options.error ? html`<p class="error" id="${id}-error">${options.error}</p>` : ''}
    ${control}
  </div>`;
}

export function select(options: {
  name: string;
  label: string;
  choices: { value: string; label: string }[];
  value?: string | null;
  required?: boolean;
  error?: string | null;
  hint?: Renderable;
}): Html {
  const id = `f-${options.name}`;
  return html`<div class="field${options.error ? ' has-error' : ''}">
    <label for="${id}">${options.label}</label>
    ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
    ${options.error ? html`<p class="error" id="${id}-error">${options.error}</p>` : ''}
    <select${attrs({ id, name: options.name, required: options.required, 'aria-invalid': options.error ? 'true' : null, 'aria-describedby': [options.hint ? `${id}-hint` : null, options.error ? `${id}-error` : null].filter(Boolean).join(' ') || null })}>
      ${options.choices.map((c) => html`<option value="${c.value}"${c.value === (options.value ?? '') ? html` selected` : ''}>${c.label}</option>`)}
    </select>
  </div>`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function problemsList(problems: string[]): Html {
  if (problems.length === 0) return html``;
  return html`<div class="flash error" role="alert"><p>Please correct the following:</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
}

export function emptyState(title: string, body: Renderable): Html {
  return html`<div class="empty"><p class="empty-title">${title}</p><p>${body}</p></div>`;
}

/** Every country's English name, as suggestions for a country field (list="country-names"). */
export function countryDatalist(): Html {
  return html`<datalist id="country-names">${countryChoices().map((c) => html`<option value="${c.name}"></option>`)}</datalist>`;
}
