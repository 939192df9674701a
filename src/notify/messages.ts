// The words of every notification: one function per kind, each returning a subject, a plain
// text body and an HTML body. Names and titles are escaped; links are the program's own.
import { escapeHtml } from '../web/html.js';

export interface Message {
  subject: string;
  text: string;
  html: string;
  /** Extra mail headers (List-Unsubscribe and List-Unsubscribe-Post for optional messages). */
  headers?: Record<string, string>;
}

function message(subject: string, paragraphs: string[], link?: { href: string; label: string }): Message {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.href}`] : [])].join('\n\n');
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  const action = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return { subject, text: `${text}\n`, html: `<!doctype html><html><body>${body}${action}</body></html>` };
}

export const messages = {
  signInLink: (program: string, name: string, url: string, minutes: number) =>
    message(
      `Your sign-in link for the ${program}`,
      [`Hello ${name},`, `Use this link within ${minutes} minutes to sign in. It works once.`, 'If you did not ask for it, ignore this email.'],
      { href: url, label: 'Sign in' },
    ),
  welcome: (program: string, name: string, url: string) =>
    message(
      `Welcome to the ${program}`,
      [
        `Hello ${name},`,
        'Thank you for joining. Link your public identities (GitHub, Stack Exchange, your blog) so your contributions are found, and submit talks, workshops and other work no source can see.',
        'You stay active with one counted contribution every six months.',
      ],
      { href: url, label: 'Open your dashboard' },
    ),
  identityVerified: (program: string, name: string, identity: string, url: string) =>
    message(`${identity} is verified`, [`Hello ${name},`, `Your identity ${identity} is verified: contributions found through it now count for the ${program}.`], {
      href: url,
      label: 'See your identities',
    }),
  claimDropped: (program: string, name: string, identity: string, url: string) =>
    message(
      `Your link to ${identity} was removed`,
      [
        `Hello ${name},`,
        `Another person proved that ${identity} is theirs: they placed its verification code where only the account's owner can, and it is now verified for them. Your unverified link to it was removed, with the contributions it had found while it waited; none of them counted for you.`,
        `If ${identity} really is yours, reply to this email or ask a program manager of the ${program} to look into it.`,
      ],
      { href: url, label: 'See your identities' },
    ),
  reviewDecision: (name: string, title: string, approved: boolean, reason: string | null, url: string) =>
    message(
      approved ? `Your contribution "${title}" was approved` : `Your contribution "${title}" was not approved`,
      [
        `Hello ${name},`,
        approved ? `"${title}" now counts.` : `"${title}" was not approved.`,
        ...(reason ? [`Reason: ${reason}`] : []),
      ],
      { href: url, label: 'See your contributions' },
    ),
  lapseWarning: (name: string, activeUntil: string, days: number, url: string) =>
    message(
      `Your ambassador status lapses in ${days} days`,
      [`Hello ${name},`, `Your status is active until ${activeUntil}. One counted contribution before then keeps it for another six months.`],
      { href: url, label: 'Submit a contribution' },
    ),
  lapsed: (name: string, activeUntil: string, url: string) =>
    message(
      'Your ambassador status has lapsed',
      [`Hello ${name},`, `Your status lapsed after ${activeUntil}. Your next counted contribution restores it.`],
      { href: url, label: 'Submit a contribution' },
    ),
  changesRequested: (name: string, title: string, reason: string, url: string) =>
    message(
      `Changes requested on "${title}"`,
      [`Hello ${name},`, `A program manager asks you to change "${title}" before it can be approved.`, `What to change: ${reason}`, 'Edit it and resubmit; it then waits for review again.'],
      { href: url, label: 'Fix and resubmit' },
    ),
  reviewRevoked: (name: string, title: string, reason: string, url: string) =>
    message(
      `The approval of "${title}" was withdrawn`,
      [`Hello ${name},`, `"${title}" was approved earlier; a program manager has withdrawn that approval and it no longer counts.`, `Reason: ${reason}`],
      { href: url, label: 'See your contributions' },
    ),
  programMessage: (name: string, subject: string, body: string, url: string) =>
    message(subject, [`Hello ${name},`, ...body.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean)], { href: url, label: 'Open your dashboard' }),
  managersDigest: (name: string, date: string, lines: string[], url: string) =>
    message(`Ambassador program digest for ${date}`, [`Hello ${name},`, ...lines], { href: url, label: 'Open the review desk' }),
  award: (name: string, year: number, citation: string, url: string) =>
    message(`You are among the Ambassador Awards ${year}`, [`Congratulations ${name}!`, citation], { href: url, label: `See the ${year} awards` }),
};
