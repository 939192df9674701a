// The awards season through the API, for managers: compute a draft, publish it now or at a
// set time. The same guards as the console: before the cycle ends an "earlyReason" is needed,
// a published year is recomputed only with a "reason"; a refusal is a 409 naming the field.
import { announcePublished } from '../../notify/announcements.js';
import { AwardsGuardError, computeAwardDraft, publishAwards, scheduleAnnouncement } from '../../store/awards.js';
import type { WebContext } from '../context.js';
import { HttpProblem } from '../errors.js';
import { paramsOf, type Route } from '../routing.js';

function yearParam(text: string | undefined): number {
  const year = Number(text);
  if (!/^\d{4}$/.test(text ?? '') || year < 2000 || year > 2999) throw new HttpProblem(404, 'not_found', 'year: expected a year from 2000 to 2999');
  return year;
}

function guarded(error: unknown): never {
  if (error instanceof AwardsGuardError) {
    if (error.guard === 'early') {
      throw new HttpProblem(409, 'cycle_not_ended', `${error.message}: send "earlyReason" with the reason`, [`earlyReason: required until ${error.detail.cycleEnd}`]);
    }
    throw new HttpProblem(409, 'reason_required', `${error.message}: send "reason" with the reason`, ['reason: required to recompute a published year']);
  }
  throw error;
}

function body(request: { body?: unknown }): Record<string, string | undefined> {
  const raw = (request.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const key of ['reason', 'earlyReason', 'announceAt']) out[key] = typeof raw[key] === 'string' ? (raw[key] as string).trim().slice(0, 500) || undefined : undefined;
  return out;
}

export function awardsAdminApiRoutes(context: WebContext): Route[] {
  const actor = (request: { viewer: { member: { handle: string } } | null }) => `api:${request.viewer!.member.handle}`;
  return [
    {
      method: 'POST',
      url: '/api/v1/awards/:year/compute',
      access: 'manager',
      kind: 'api',
      summary: 'compute an awards draft (managers)',
      handler: async (request) => {
        const year = yearParam(paramsOf(request).year);
        const fields = body(request);
        const outcome = await computeAwardDraft(context.db, context.config, year, actor(request), { reason: fields.reason, earlyReason: fields.earlyReason, today: context.today() }).catch(guarded);
        return { data: { year, revision: outcome.snapshot.revision, status: outcome.snapshot.status, created: outcome.created, inputHash: outcome.snapshot.input_hash } };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/awards/:year/publish',
      access: 'manager',
      kind: 'api',
      summary: 'publish the awards draft now, or at "announceAt" (managers)',
      handler: async (request) => {
        const year = yearParam(paramsOf(request).year);
        const fields = body(request);
        if (fields.announceAt) {
          const at = new Date(fields.announceAt);
          if (Number.isNaN(at.getTime())) throw new HttpProblem(400, 'invalid', 'announceAt: expected an ISO date and time', ['announceAt: expected an ISO date and time']);
          const scheduled = await scheduleAnnouncement(context.db, year, at, actor(request), { now: context.now(), earlyReason: fields.earlyReason }).catch(guarded);
          return { data: { year, revision: scheduled.revision, status: scheduled.status, announceAt: at.toISOString() } };
        }
        const published = await publishAwards(context.db, year, actor(request), { now: context.now(), earlyReason: fields.earlyReason }).catch(guarded);
        context.cache.clear();
        await announcePublished(context.store, context.notifier, published, context.now());
        return { data: { year, revision: published.revision, status: published.status, publishedAt: published.published_at?.toISOString() ?? null } };
      },
    },
  ];
}
