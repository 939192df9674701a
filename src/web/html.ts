// Typed templates: `html` is a tagged template whose interpolations are escaped unless they
// are already markup (Html), so upstream text can never become markup by accident. Views are
// plain functions from typed data to Html.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Renderable = Html | string | number | boolean | null | undefined | Renderable[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

export function escapeHtml(text: string): string {
  // Most values (names, numbers, paths) have nothing to escape: no new string for them.
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i += 1) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup we produced ourselves (SVG built from numbers, JSON for a script tag). */
export function raw(markup: string): Html {
  return new Html(markup);
}

export function join(items: Renderable[], separator: Renderable = ''): Html {
  return new Html(items.map(render).join(render(separator)));
}

/** Links to upstream pages are limited to http(s); anything else is dropped. */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** An external link, or the plain text when the URL is not http(s). */
export function externalLink(url: string | null | undefined, text: Renderable): Html {
  const safe = safeUrl(url);
  return safe ? html`<a href="${safe}" rel="nofollow noopener ugc">${text}</a>` : html`${text}`;
}

export function attrs(values: Record<string, string | number | boolean | null | undefined>): Html {
  return new Html(
    Object.entries(values)
      .filter(([, value]) => value !== null && value !== undefined && value !== false)
      .map(([key, value]) => (value === true ? ` ${key}` : ` ${key}="${escapeHtml(String(value))}"`))
      .join(''),
  );
}
