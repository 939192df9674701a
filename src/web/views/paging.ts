// Page numbers of paginated lists: a page past the end is a 404 that says what there is,
// never an empty page under a count that contradicts it.
import { HttpProblem } from '../errors.js';

export function pageParam(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const page = Number(value);
  if (!/^\d{1,6}$/.test(value) || page < 1) throw new HttpProblem(404, 'not_found', `"${value.slice(0, 12)}" is not a page number.`);
  return page;
}

export function pageInRange(page: number, pages: number, what: string): void {
  if (page > pages) throw new HttpProblem(404, 'not_found', `There is no page ${page}: ${what} fit on ${pages} ${pages === 1 ? 'page' : 'pages'}.`);
}
