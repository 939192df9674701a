// The row shapes of imports and exports: members and contributions as flat records, with
// one schema each so that what `export` writes, `import` reads back.
import { z } from 'zod';
import { matchCountry } from '../domain/countries.js';

const optionalText = z
  .string()
  .optional()
  .nullable()
  .transform((value) => (value === undefined || value === null || value.trim() === '' ? null : value.trim()));

export const memberRowSchema = z.object({
  handle: z.string({ error: 'expected a handle' }).min(2, { error: 'expected a handle' }),
  name: z.string({ error: 'expected a name' }).min(1, { error: 'expected a name' }),
  email: optionalText,
  joinedAt: z.string({ error: 'expected a date YYYY-MM-DD' }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' }),
  // A country by ISO code or name ("PT", "Portugal"), stored as the code.
  country: optionalText.transform((value, ctx) => {
    if (value === null) return null;
    const code = matchCountry(value);
    if (!code) ctx.addIssue({ code: 'custom', message: `expected a country name or ISO 3166 code, got "${value.slice(0, 60)}"` });
    return code;
  }),
  company: optionalText,
  role: z.enum(['ambassador', 'manager', 'admin'], { error: 'expected ambassador, manager or admin' }).default('ambassador'),
  state: z.enum(['registered', 'suspended', 'withdrawn'], { error: 'expected registered, suspended or withdrawn' }).default('registered'),
});

export const contributionRowSchema = z.object({
  handle: z.string({ error: 'expected a handle' }).min(2, { error: 'expected a handle' }),
  source: z.string({ error: 'expected a source' }).regex(/^[a-z][a-z0-9_-]{0,40}$/, { error: 'expected a source name like github or crm' }),
  externalId: z.string({ error: 'expected an external id' }).min(1, { error: 'expected an external id' }).max(500),
  kind: z.string({ error: 'expected a kind' }).min(1, { error: 'expected a kind' }),
  category: optionalText,
  title: z.string({ error: 'expected a title' }).min(1, { error: 'expected a title' }).max(300),
  url: optionalText.refine((value) => value === null || /^https?:\/\//i.test(value), { error: 'expected an http(s) URL' }),
  occurredAt: z
    .string({ error: 'expected a date or an ISO instant' })
    .refine((value) => !Number.isNaN(Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value)), {
      error: 'expected a date or an ISO instant',
    }),
  reviewState: z.enum(['counted', 'pending', 'rejected', 'excluded'], { error: 'expected counted, pending, rejected or excluded' }).default('counted'),
  evidenceUrl: optionalText.refine((value) => value === null || /^https?:\/\//i.test(value), { error: 'expected an http(s) URL' }),
  metadata: z.union([z.record(z.string(), z.unknown()), z.string()]).optional().nullable(),
});

export type MemberRow = z.infer<typeof memberRowSchema>;
export type ContributionImportRow = z.infer<typeof contributionRowSchema>;

/** CSV headers and JSON keys are accepted in camelCase or snake_case. */
export function camelKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key.trim().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), value]),
  );
}
