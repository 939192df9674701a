// Malformed input is refused at the door with 400 and the one error shape, before any route
// or query sees it: a NUL byte anywhere (PostgreSQL text cannot hold one), query values and
// path segments longer than any the site uses, and form or JSON bodies with such strings.
// Routes still validate their own fields; this stops the class of 500s for all of them.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from './errors.js';

/** The longest query value or path any page or API call needs (URLs in forms are longer: bodies). */
export const MAX_QUERY_VALUE = 2000;
export const MAX_PATH = 4000;
/** A form field or JSON string: the longest field the site stores is a 4000-character bio. */
export const MAX_BODY_STRING = 100_000;

const bad = (message: string) => new HttpProblem(400, 'invalid', message);

function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** The raw URL: NUL written out or percent-encoded, or overlong. */
function checkUrl(url: string): void {
  if (url.length > MAX_PATH + MAX_QUERY_VALUE * 4) throw bad('the address is too long');
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.length > MAX_PATH) throw bad('the address is too long');
  if (hasNul(url) || /%00/i.test(url)) throw bad('the address contains a NUL byte');
}

function checkValue(where: string, value: unknown, max: number, depth = 0): void {
  if (typeof value === 'string') {
    if (hasNul(value)) throw bad(`${where}: contains a NUL byte`);
    if (value.length > max) throw bad(`${where}: expected at most ${max} characters`);
    return;
  }
  if (depth > 20) throw bad(`${where}: nested too deeply`);
  if (Array.isArray(value)) {
    for (const item of value) checkValue(where, item, max, depth + 1);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (hasNul(key) || key.length > 200) throw bad(`${where}: a field name is not acceptable`);
      checkValue(`${where}.${key}`, item, max, depth + 1);
    }
  }
}

/** Throws a 400 for input no route should ever see. */
export function refuseMalformedInput(request: FastifyRequest): void {
  checkUrl(request.url);
  checkValue('query', request.query, MAX_QUERY_VALUE);
  checkValue('path', request.params, MAX_PATH);
  if (request.body !== undefined && request.body !== null) checkValue('body', request.body, MAX_BODY_STRING);
}
