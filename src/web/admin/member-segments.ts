// The member console's segments: the filters of its query string, who they match, who of
// them the viewer may act on (mayActOn, per person), and a message to such a group that
// respects each person's email preferences. Shared by the console, its bulk actions and the
// segment messages (member-messages.ts).
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { mayActOn, type Role } from '../../domain/permissions.js';
import { messages } from '../../notify/messages.js';
import { consoleMembers, filterMembers, SORTS, type ConsoleMember, type MemberFilters, type MemberSort } from '../../store/member-console.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { field } from '../views/components.js';

const FILTER_KEYS = [
  'q',
  'status',
  'segment',
  'unverified',
  'role',
  'staff',
  'bot',
  'country',
  'sort',
  'dir',
] as const;

const yesNo = (value: string | undefined) => (value === 'yes' ? true : value === 'no' ? false : undefined);

export function filtersFrom(query: Record<string, string>): MemberFilters {
  const status = ['active', 'lapsing', 'inactive', 'suspended'].includes(query.status ?? '')
    ? (query.status as MemberFilters['status'])
    : undefined;
  const role = ['ambassador', 'manager', 'admin'].includes(query.role ?? '')
    ? (query.role as Role)
    : undefined;
  return {
    search: query.q ? query.q.slice(0, 200) : undefined,
    status,
    lapsingThisMonth: query.segment === 'lapsing-this-month' || undefined,
    unverified: query.unverified === 'yes' || undefined,
    role,
    staff: yesNo(query.staff),
    bot: yesNo(query.bot),
    country: query.country ? query.country.slice(0, 100) : undefined,
    sort: (SORTS as readonly string[]).includes(query.sort ?? '') ? (query.sort as MemberSort) : 'name',
    descending: query.dir === 'desc',
  };
}

export function keptQuery(query: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, query[key] || undefined]));
}

export function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

export function segmentTools(context: WebContext) {
  async function matching(query: Record<string, string>) {
    const today = context.today();
    return filterMembers(await consoleMembers(context.db, context.config, today), filtersFrom(query), today);
  }

  const viewerActor = (request: FastifyRequest) => ({
    memberId: request.viewer!.member.id,
    role: request.viewer!.member.role,
  });

  /** Who of `members` the viewer may act on, and who not (with the reason). */
  function partition(request: FastifyRequest, members: Pick<ConsoleMember, 'id' | 'role' | 'handle'>[]) {
    const allowed: typeof members = [];
    const refused: string[] = [];
    for (const member of members) {
      const verdict = mayActOn(viewerActor(request), 'manage', { memberId: member.id, role: member.role });
      if (verdict.allowed) allowed.push(member);
      else refused.push(`@${member.handle}: ${verdict.reason}`);
    }
    return { allowed, refused };
  }

  async function sendMessage(
    request: FastifyRequest,
    recipients: { id: number }[],
    subject: string,
    body: string,
  ) {
    const batch = createHash('sha256')
      .update(`${request.viewer!.member.id}|${subject}|${body}|${context.now().toISOString()}`)
      .digest('hex')
      .slice(0, 16);
    const people = recipients.length
      ? await context.db
          .selectFrom('members')
          .select(['id', 'name', 'email', 'state'])
          .where(
            'id',
            'in',
            recipients.map((r) => r.id),
          )
          .execute()
      : [];
    const outcome = { sent: 0, skipped: 0, failed: 0 };
    for (const person of people) {
      if (!person.email || person.state !== 'registered') {
        outcome.skipped += 1;
        continue;
      }
      const result = await context.notifier.email({
        key: `segment:${batch}:${person.id}`,
        kind: 'segment-message',
        memberId: person.id,
        to: person.email,
        message: messages.programMessage(person.name, subject, body, `${context.baseUrl}/me`),
      });
      if (result === 'sent' || result === 'already-sent') outcome.sent += 1;
      else if (result === 'failed') outcome.failed += 1;
      else outcome.skipped += 1;
    }
    return outcome;
  }

  const messageFields = (values: { subject?: string; body?: string }) =>
    html` ${field({ name: 'subject', label: 'Subject', required: true, maxlength: 200, value: values.subject ?? '' })}
    ${field({ name: 'body', label: 'Message', type: 'textarea', required: true, maxlength: 5000, value: values.body ?? '', hint: 'Plain text; a blank line starts a new paragraph. It is signed with the program name and goes only to people who accept messages from the program managers.' })}`;

  return { matching, partition, sendMessage, messageFields };
}
