// A loopback Stack Exchange API 2.3: /users/{ids}/answers with ids joined by ';', fromdate,
// sort=creation, page/pagesize and the common wrapper {items, has_more, quota_max,
// quota_remaining, backoff?}; /filters/create; /users/{ids} with about_me; error bodies
// {error_id, error_name, error_message} with HTTP 400 like the real API.

import { startFakeServer, type FakeReply, type FakeServer } from './server.js';

export interface FakeAnswer {
  answerId: number;
  questionId: number;
  userId: number;
  title: string;
  creationDate: number;
  score?: number;
  accepted?: boolean;
  /** The owner deleted their account: the API sends { user_type: 'does_not_exist', display_name } only. */
  deletedOwner?: boolean;
}

export interface StackExchangeFixtures {
  answers: FakeAnswer[];
  users?: Record<number, { displayName: string; aboutMe?: string }>;
  quotaRemaining?: number;
  /** Sent as `backoff` on every answers response when set. */
  backoff?: number;
}

export interface FakeStackExchange extends FakeServer {
  fixtures: StackExchangeFixtures;
}

const FILTER = '!nNPvSNdWme';

function wrapper(fx: StackExchangeFixtures, items: unknown[], hasMore: boolean, extra: Record<string, unknown> = {}): FakeReply {
  fx.quotaRemaining = Math.max(0, (fx.quotaRemaining ?? 9999) - 1);
  return { json: { items, has_more: hasMore, quota_max: 10000, quota_remaining: fx.quotaRemaining, ...extra }, gzip: true };
}

export function stackExchangeError(id: number, name: string, message: string): FakeReply {
  return { status: 400, json: { error_id: id, error_message: message, error_name: name } };
}

export async function startFakeStackExchange(fixtures: StackExchangeFixtures): Promise<FakeStackExchange> {
  const server = await startFakeServer((req) => {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] !== '2.3') return stackExchangeError(404, 'no_method', 'no method found with this name');
    if (!req.query.get('site') && parts[1] !== 'filters') return stackExchangeError(400, 'bad_parameter', 'site is required');
    if (parts[1] === 'filters' && parts[2] === 'create') {
      return wrapper(fixtures, [{ filter: FILTER, filter_type: 'safe', included_fields: ['answer.answer_id', 'answer.title', 'answer.link'] }], false);
    }
    if (parts[1] === 'users' && parts[2]) {
      const ids = parts[2].split(';').map(Number);
      if (ids.length > 100) return stackExchangeError(400, 'bad_parameter', 'ids can contain at most 100 values');
      if (parts[3] === 'answers') {
        const includeTitle = req.query.get('filter') === FILTER;
        const from = Number(req.query.get('fromdate') ?? 0);
        const pageSize = Number(req.query.get('pagesize') ?? 30);
        const page = Number(req.query.get('page') ?? 1);
        const all = fixtures.answers.filter((a) => ids.includes(a.userId) && a.creationDate >= from).sort((a, b) => a.creationDate - b.creationDate);
        const slice = all.slice((page - 1) * pageSize, page * pageSize).map((a) => ({
          owner: a.deletedOwner
            ? { user_type: 'does_not_exist', display_name: `user${a.userId}` }
            : { account_id: a.userId * 10, reputation: 1234, user_id: a.userId, user_type: 'registered', display_name: fixtures.users?.[a.userId]?.displayName ?? `user${a.userId}`, link: `https://magento.stackexchange.com/users/${a.userId}/x` },
          is_accepted: a.accepted ?? false,
          score: a.score ?? 0,
          last_activity_date: a.creationDate + 100,
          creation_date: a.creationDate,
          answer_id: a.answerId,
          question_id: a.questionId,
          content_license: 'CC BY-SA 4.0',
          ...(includeTitle ? { title: a.title, link: `https://magento.stackexchange.com/questions/${a.questionId}/q/${a.answerId}#${a.answerId}` } : {}),
        }));
        return wrapper(fixtures, slice, page * pageSize < all.length, fixtures.backoff ? { backoff: fixtures.backoff } : {});
      }
      if (parts.length === 3) {
        return wrapper(
          fixtures,
          ids.filter((id) => fixtures.users?.[id]).map((id) => ({ user_id: id, display_name: fixtures.users![id]!.displayName, about_me: fixtures.users![id]!.aboutMe ?? '', link: `https://magento.stackexchange.com/users/${id}/x` })),
          false,
        );
      }
    }
    return stackExchangeError(404, 'no_method', 'no method found with this name');
  });
  return Object.assign(server, { fixtures });
}
