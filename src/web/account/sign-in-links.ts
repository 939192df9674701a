// One-time sign-in links by email, and the account row every signed-in member has. Shared by
// sign-up, sign-in and GitHub sign-in.
import { messages } from '../../notify/messages.js';
import type { WebContext } from '../context.js';
import { createLoginToken } from '../queries/accounts.js';

/** Emails a one-time link that signs the member in and then goes to `next`. */
export async function sendSignInLink(context: WebContext, member: { id: number; name: string; email: string | null }, next: string): Promise<void> {
  if (!member.email) return;
  const token = await createLoginToken(context.wdb, member.id, context.now(), context.web.signInLinkMinutes);
  const url = `${context.baseUrl}/sign-in/link?token=${encodeURIComponent(token)}${next !== '/me' ? `&next=${encodeURIComponent(next)}` : ''}`;
  await context.notifier.sendTransient(member.email, messages.signInLink(context.config.program.name, member.name, url, context.web.signInLinkMinutes));
}

export async function ensureAccount(context: WebContext, memberId: number): Promise<void> {
  // Members registered by a manager or an import have no account yet; signing in is consent
  // to the terms they were registered under.
  const now = context.now();
  await context.wdb
    .insertInto('accounts')
    .values({ member_id: memberId, consent_tracking_at: now, consent_public_at: now })
    .onConflict((oc) => oc.column('member_id').doNothing())
    .execute();
}
