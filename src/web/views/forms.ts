// Forms that report everything at once: the posted fields are read as text, validated by one
// zod schema in a single pass, and every problem is kept against its field. A page renders the
// problems next to their fields (aria-invalid, aria-describedby) and in a summary at the top
// that links to each field, in the words of the field's own label; the typed values come back.
import type { z } from 'zod';
import { attrs, html, type Html, type Renderable } from '../html.js';
import type { FormBody } from '../routing.js';
import { field, select, type FieldOptions } from './components.js';

/** Field name -> the message shown next to it. `_form` holds what belongs to no field. */
export type FieldErrors = Record<string, string>;

export type FormRead<T, N extends string = string> =
  | { ok: true; data: T; values: Record<N, string>; errors: FieldErrors }
  | { ok: false; data: null; values: Record<N, string>; errors: FieldErrors };

/** Form fields are capped before any check (hostile input): 10,000 characters each. */
const FIELD_CAP = 10_000;

export function formValues<N extends string>(body: FormBody, names: readonly N[]): Record<N, string> {
  const values = {} as Record<N, string>;
  for (const name of names) {
    const raw = body[name];
    const first = Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '');
    values[name] = typeof first === 'string' ? first.slice(0, FIELD_CAP).trim() : '';
  }
  return values;
}

/** Validates every field in one pass; the first problem of each field is kept. */
export function readForm<S extends z.ZodType, N extends string>(schema: S, body: FormBody, names: readonly N[]): FormRead<z.infer<S>, N> {
  const values = formValues(body, names);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data, values, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : '_form';
    if (!(key in errors)) errors[key] = issue.message;
  }
  return { ok: false, data: null, values, errors };
}

/**
 * Problems a store function reported as "field: message" (joined by "; "), sorted to the
 * form's fields by their prefix; what matches no field goes to `_form`.
 */
export function errorsFromProblems(problems: string[], fieldOf: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const colon = problem.indexOf(':');
    const prefix = colon > 0 ? problem.slice(0, colon).trim() : '';
    const name = fieldOf[prefix];
    const key = name ?? '_form';
    const message = name ? problem.slice(colon + 1).trim() : problem;
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  }
  return errors;
}

/** The summary at the top of a form: how many problems and a link to each field. */
export function errorSummary(errors: FieldErrors, labels: Record<string, string>): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0) return html``;
  const count = entries.length;
  return html`<div class="flash error error-summary" role="alert" id="form-errors">
    <p>${count === 1 ? 'One thing needs your attention' : `${count} things need your attention`}; what you typed is kept.</p>
    <ul>${entries.map(([name, message]) =>
      name === '_form' || !labels[name] ? html`<li>${message}</li>` : html`<li><a href="#f-${name}">${labels[name]}</a>: ${message}</li>`,
    )}</ul></div>`;
}

/** A text field with its error and its typed value. */
export function formField(options: FieldOptions, form: { values: Record<string, string>; errors: FieldErrors }): Html {
  return field({ ...options, value: form.values[options.name] ?? options.value ?? '', error: form.errors[options.name] ?? null });
}

export function formSelect(
  options: { name: string; label: string; choices: { value: string; label: string }[]; required?: boolean; hint?: Renderable },
  form: { values: Record<string, string>; errors: FieldErrors },
): Html {
  return select({ ...options, value: form.values[options.name] ?? '', error: form.errors[options.name] ?? null });
}

/** A check box with its error attached (aria-invalid, aria-describedby). */
export function formCheckbox(
  options: { name: string; label: Renderable; value?: string },
  form: { values: Record<string, string>; errors: FieldErrors },
): Html {
  const id = `f-${options.name}`;
  const error = form.errors[options.name];
  const value = options.value ?? 'yes';
  return html`<div class="check${error ? ' has-error' : ''}">
    <input type="checkbox"${attrs({ id, name: options.name, value, checked: form.values[options.name] === value, 'aria-invalid': error ? 'true' : null, 'aria-describedby': error ? `${id}-error` : null })}>
    <label for="${id}">${options.label}</label>
    ${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}
  </div>`;
}
