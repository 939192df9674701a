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

/**
 * A template's own text without the indentation of its lines: the views are indented for
 * reading, and a page's bytes are a cost on every request (a tenth of a leaderboard page was
 * indentation). A line break stays, so the whitespace between elements still separates them;
 * only the template's literal text changes, never what is interpolated (a <pre> shows values).
 */
const UNINDENTED = new WeakMap<TemplateStringsArray, readonly string[]>();
const INDENTATION = /\n[ \t]+/g;

function unindented(strings: TemplateStringsArray): readonly string[] {
  let parts = UNINDENTED.get(strings);
  if (!parts) {
    parts = strings.map((part) => part.replace(INDENTATION, '\n'));
    UNINDENTED.set(strings, parts);
  }
  return parts;
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  const parts = unindented(strings);
  let out = parts[0]!;
  for (let i = 0; i < values.length; i += 1) out += render(values[i]) + parts[i + 1]!;
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
