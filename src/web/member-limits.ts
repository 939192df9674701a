// Per-member limits on the actions that reach out or fill the review queue (linking an
// identity, "Check now", submitting), counted in the database so every instance agrees.
import { hitRateLimit } from '../store/rate-limits.js';
import type { WebContext } from './context.js';
import { HttpProblem } from './errors.js';

export type MemberAction = 'link' | 'check' | 'submit';

const WHAT: Record<MemberAction, string> = { link: 'identity links', check: 'verification checks', submit: 'submissions' };

/** Counts one `action` of the member; throws 429 once over the configured limit. */
export async function countMemberAction(context: WebContext, memberId: number, action: MemberAction): Promise<void> {
  const limit = context.web.memberRateLimits[action];
  const verdict = await hitRateLimit(context.db, `member:${memberId}:${action}`, { max: limit.max, windowMs: limit.windowMinutes * 60_000 }, context.now());
  if (!verdict.allowed) {
    const minutes = Math.max(1, Math.ceil((verdict.resetAt.getTime() - context.now().getTime()) / 60_000));
    throw new HttpProblem(429, 'rate_limited', `Too many ${WHAT[action]} for now (at most ${limit.max} in ${limit.windowMinutes} minutes). Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  }
}
