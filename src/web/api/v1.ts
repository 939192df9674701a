// The JSON API, /api/v1: ambassadors, contributions, leaderboard, awards, one's own
// submissions, and the token-authenticated ingest. Lists page with opaque cursors; every
// error has the shape { "error": { "code", "message", "details"? } }.
import { sql } from 'kysely';
import { CATEGORIES, isCategory } from '../../domain/categories.js';
import { publishedSnapshot, listSnapshots, snapshotResults } from '../../store/awards.js';
import { listMemberContributions, submitContribution } from '../../store/contributions.js';
import { findMember } from '../../store/members.js';
import { queryStandings } from '../../store/standings.js';
import { memberStatuses } from '../../store/statuses.js';
import { contributionView } from '../../store/views.js';
import type { ContributionRow, Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { HttpProblem, notFound } from '../errors.js';
import { currentYear, cycleBounds, scoresVisibleTo } from '../queries/public.js';
import { identityUrl } from '../queries/profile.js';
import { paramsOf, queryOf, type Route } from '../routing.js';
import type { Viewer } from '../session.js';
import { decodeCursor, encodeCursor, limitOf } from './cursor.js';
import { authenticateIngest, ingest } from './ingest.js';
import { openApiDocument } from './openapi.js';
import { settingsOf, statusFor, visibleMember } from '../public/privacy.js';
import { matchCountry } from '../../domain/countries.js';
import { countMemberAction } from '../member-limits.js';

function publicMember(member: Member) {
  return { handle: member.handle, name: member.name, country: member.country, company: member.company, bio: member.bio, avatarUrl: member.avatar_url, joinedAt: member.joined_at };
}

function contributionJson(context: WebContext, row: ContributionRow & { handle?: string }, viewer: Viewer | null) {
  const view = contributionView(row);
  const showPoints = scoresVisibleTo(context, viewer, row.member_id);
  return {
    id: view.id,
    ...(row.handle ? { handle: row.handle } : {}),
    source: view.source,
    kind: view.kind,
    category: view.category,
    title: view.title,
    url: view.url,
    occurredAt: view.occurredAt,
    ...(showPoints ? { points: view.points, explanation: view.explanation, rulesVersion: view.rulesVersion } : {}),
  };
}

// A cursor is only ever one this API gave out: a handle, a row id, a time, a rank. Anything
// else (negative, fractional, out of range, not a date) is refused with 400 before any query.
const MAX_ROW_ID = 2_147_483_647;
const isRowId = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_ROW_ID;
const isHandleCursor = (v: Record<string, unknown>): v is { h: string } => typeof v.h === 'string' && v.h.length <= 39;
const isTimeCursor = (v: Record<string, unknown>): v is { t: string; i: number } =>
  typeof v.t === 'string' && v.t.length <= 40 && !Number.isNaN(Date.parse(v.t)) && Math.abs(Date.parse(v.t)) < 8.64e15 && isRowId(v.i);
const isRankCursor = (v: Record<string, unknown>): v is { r: number } => isRowId(v.r);

export function apiRoutes(context: WebContext): Route[] {
  const api = (route: Omit<Route, 'kind'>): Route => ({ ...route, kind: 'api' });
  return [
    api({
      method: 'GET',
      url: '/api/v1/ambassadors',
      access: 'anyone',
      cache: true,
      summary: 'list ambassadors',
      handler: async (request) => {
        const query = queryOf(request);
        const limit = limitOf(query.limit);
        const after = decodeCursor(query.cursor, isHandleCursor);
        let select = context.db
          .selectFrom('members')
          .selectAll()
          .where('state', '=', 'registered')
          .where('is_bot', '=', false)
          .orderBy(sql`lower(handle)`)
          .limit(limit + 1);
        if (after) select = select.where(sql<string>`lower(handle)`, '>', after.h);
        if (query.country) select = select.where(sql<string>`lower(country)`, '=', (matchCountry(query.country) ?? query.country).toLowerCase());
        // The API's list is a directory too: opt-outs are left out, hidden countries are not matched.
        select = select.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('member_settings as ms')
                .select('ms.member_id')
                .whereRef('ms.member_id', '=', 'members.id')
                .where((w) => (query.country ? w.or([w('ms.hide_from_directory', '=', true), w('ms.hide_country', '=', true)]) : w('ms.hide_from_directory', '=', true))),
            ),
          ),
        );
        if (query.q) {
          const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          select = select.where((eb) => eb.or([eb(sql<string>`lower(name)`, 'like', pattern), eb(sql<string>`lower(handle)`, 'like', pattern)]));
        }
        const rows = await select.execute();
        const page = rows.slice(0, limit);
        const statuses = new Map((await memberStatuses(context.db, context.config, context.today(), { memberIds: page.map((m) => m.id) })).map((s) => [s.memberId, s]));
        const settings = await settingsOf(context.db, page.map((m) => m.id));
        const last = page[page.length - 1];
        return {
          data: page.map((m) => ({ ...publicMember(visibleMember(m, settings.get(m.id), request.viewer)), status: statuses.has(m.id) ? statusFor(context, request.viewer, m.id, statuses.get(m.id)!.status) : null, activeUntil: statuses.get(m.id)?.activeUntil ?? null, profileUrl: `${context.baseUrl}/ambassadors/${m.handle}` })),
          nextCursor: rows.length > limit && last ? encodeCursor({ h: last.handle.toLowerCase() }) : null,
        };
      },
    }),
    api({
      method: 'GET',
      url: '/api/v1/ambassadors/:handle',
      access: 'anyone',
      cache: true,
      summary: 'one ambassador',
      handler: async (request) => {
        const member = await findMember(context.db, paramsOf(request).handle ?? '');
        if (!member || member.state === 'withdrawn') throw notFound(`no ambassador with the handle "${paramsOf(request).handle}"`);
        const year = currentYear(context);
        const bounds = cycleBounds(context, year);
        const [[status], standing, identities] = await Promise.all([
          memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
          queryStandings(context.db, { from: bounds.start, to: bounds.end, memberIds: [member.id] }),
          context.db.selectFrom('identities').select(['platform', 'external_id']).where('member_id', '=', member.id).where('verified_at', 'is not', null).execute(),
        ]);
        const row = standing.rows[0];
        const showPoints = scoresVisibleTo(context, request.viewer, member.id);
        const settings = await settingsOf(context.db, [member.id]);
        return {
          data: {
            ...publicMember(visibleMember(member, settings.get(member.id), request.viewer)),
            // A suspension is private unless the program publishes suspensions.
            state: member.state === 'suspended' && statusFor(context, request.viewer, member.id, 'suspended') !== 'suspended' ? 'registered' : member.state,
            status: status ? statusFor(context, request.viewer, member.id, status.status) : null,
            activeUntil: status?.activeUntil ?? null,
            lastContributionAt: status?.lastContributionAt ?? null,
            identities: identities.map((i) => ({ platform: i.platform, externalId: i.external_id, url: identityUrl(i.platform, i.external_id) })),
            year: { year, rank: row?.rank ?? null, contributions: row?.contributions ?? 0, ...(showPoints ? { points: row?.points ?? 0, categories: row?.categories ?? null } : {}) },
          },
        };
      },
    }),
    api({
      method: 'GET',
      url: '/api/v1/contributions',
      access: 'anyone',
      cache: true,
      summary: 'counted contributions, newest first',
      handler: async (request) => {
        const query = queryOf(request);
        const limit = limitOf(query.limit);
        const after = decodeCursor(query.cursor, isTimeCursor);
        let select = context.db
          .selectFrom('contributions as c')
          .innerJoin('members as m', 'm.id', 'c.member_id')
          .selectAll('c')
          .select('m.handle')
          .where('c.review_state', '=', 'counted')
          .where('m.state', '=', 'registered')
          .where('m.is_bot', '=', false)
          .orderBy('c.occurred_at', 'desc')
          .orderBy('c.id', 'desc')
          .limit(limit + 1);
        if (query.handle) {
          const member = await findMember(context.db, query.handle);
          if (!member) throw notFound(`no ambassador with the handle "${query.handle}"`);
          select = select.where('c.member_id', '=', member.id);
        }
        if (query.category) {
          if (!isCategory(query.category)) throw new HttpProblem(400, 'invalid', `category: expected one of ${CATEGORIES.join(', ')}`);
          select = select.where('c.category', '=', query.category);
        }
        if (after) {
          const t = new Date(after.t);
          select = select.where((eb) => eb.or([eb('c.occurred_at', '<', t), eb.and([eb('c.occurred_at', '=', t), eb('c.id', '<', after.i)])]));
        }
        const rows = await select.execute();
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          data: page.map((row) => contributionJson(context, row, request.viewer)),
          nextCursor: rows.length > limit && last ? encodeCursor({ t: last.occurred_at.toISOString(), i: last.id }) : null,
        };
      },
    }),
    api({
      method: 'GET',
      url: '/api/v1/leaderboard',
      access: 'anyone',
      cache: true,
      summary: 'leaderboard of a year, optionally of one category',
      handler: async (request) => {
        const query = queryOf(request);
        const year = query.year ? Number(query.year) : currentYear(context);
        if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new HttpProblem(400, 'invalid', 'year: expected a year');
        if (query.category && !isCategory(query.category)) throw new HttpProblem(400, 'invalid', `category: expected one of ${CATEGORIES.join(', ')}`);
        const limit = limitOf(query.limit);
        const after = decodeCursor(query.cursor, isRankCursor);
        const bounds = cycleBounds(context, year);
        const standings = await queryStandings(context.db, {
          from: bounds.start,
          to: bounds.end,
          category: query.category && isCategory(query.category) ? query.category : undefined,
          limit,
          offset: after?.r ?? 0,
        });
        const showPoints = scoresVisibleTo(context, request.viewer);
        const last = standings.rows[standings.rows.length - 1];
        return {
          year,
          category: query.category ?? null,
          cycle: { start: bounds.start, end: bounds.end },
          total: standings.total,
          data: standings.rows.map((row) => ({
            rank: row.rank,
            handle: row.handle,
            name: row.name,
            contributions: row.contributions,
            ...(showPoints ? { points: row.points, categories: row.categories } : {}),
          })),
          nextCursor: last && last.rank < standings.total ? encodeCursor({ r: last.rank }) : null,
        };
      },
    }),
    api({
      method: 'GET',
      url: '/api/v1/awards',
      access: 'anyone',
      cache: true,
      summary: 'published awards, newest year first',
      handler: async () => {
        const published = (await listSnapshots(context.db)).filter((s) => s.status === 'published');
        return { data: published.map((s) => ({ year: s.year, revision: s.revision, publishedAt: s.published_at?.toISOString() ?? null, url: `${context.baseUrl}/api/v1/awards/${s.year}` })), nextCursor: null };
      },
    }),
    api({
      method: 'GET',
      url: '/api/v1/awards/:year',
      access: 'anyone',
      cache: true,
      summary: 'the published awards of a year',
      handler: async (request) => {
        const year = Number(paramsOf(request).year);
        const snapshot = Number.isInteger(year) && year >= 2000 && year <= 2999 ? await publishedSnapshot(context.db, year) : undefined;
        if (!snapshot) throw notFound(`the ${paramsOf(request).year} awards are not published`);
        const results = snapshotResults(snapshot);
        const showPoints = scoresVisibleTo(context, request.viewer);
        const entry = (e: (typeof results.topAmbassadors)[number]) => ({ rank: e.rank, handle: e.handle, name: e.name, citation: e.citation, ...(showPoints ? { points: e.points } : {}) });
        return {
          data: {
            year,
            revision: snapshot.revision,
            publishedAt: snapshot.published_at?.toISOString() ?? null,
            cycle: results.cycle,
            rulesVersions: results.rulesVersions,
            inputHash: results.inputHash,
            topAmbassadors: results.topAmbassadors.map(entry),
            categoryWinners: Object.fromEntries(Object.entries(results.categoryWinners).map(([c, e]) => [c, e ? entry(e) : null])),
          },
        };
      },
    }),
    api({
      method: 'GET',
      url: '/api/v1/submissions',
      access: 'member',
      summary: 'my submissions',
      handler: async (request) => {
        const member = request.viewer!.member;
        const rows = await listMemberContributions(context.db, member.id);
        return {
          data: rows.filter((r) => r.source === 'submission').map((row) => ({ ...contributionJson(context, row, request.viewer), reviewState: row.review_state, reviewReason: row.review_reason, evidenceUrl: row.evidence_url })),
          nextCursor: null,
        };
      },
    }),
    api({
      method: 'POST',
      url: '/api/v1/submissions',
      access: 'member',
      summary: 'submit a contribution for review',
      handler: async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');
        const member = request.viewer!.member;
        await countMemberAction(context, member.id, 'submit');
        const kind = str('kind');
        const row = await submitContribution(
          context.db,
          context.config,
          { memberId: member.id, kind, category: context.config.kinds[kind]?.category ?? '', title: str('title'), url: str('url'), date: str('date'), evidenceUrl: str('evidenceUrl') || null },
          `web:${member.handle}`,
          context.today(),
        );
        await context.notifier
          .webhook('submission.created', String(row.id), { id: row.id, handle: member.handle, kind: row.kind, category: row.category, title: row.title, url: row.url, occurredOn: str('date'), reviewUrl: `${context.baseUrl}/manage/reviews/${row.id}` })
          .catch((error: Error) => request.log.warn({ err: error.message }, 'submission.created webhook not sent'));
        reply.code(201);
        return { data: { ...contributionJson(context, row, request.viewer), reviewState: row.review_state } };
      },
    }),
    api({
      method: 'POST',
      url: '/api/v1/ingest',
      access: 'ingest',
      summary: 'report contributions from an external system (idempotent)',
      handler: async (request) => ({ data: await ingest(context, request.ingestSource!, request.body) }),
    }),
    api({
      method: 'GET',
      url: '/api/docs/openapi.json',
      access: 'anyone',
      summary: 'OpenAPI document',
      handler: async () => openApiDocument(context),
    }),
  ];
}

export { authenticateIngest };

declare module 'fastify' {
  interface FastifyRequest {
    ingestSource?: import('./ingest.js').IngestSource;
  }
}
