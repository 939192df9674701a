// "How scoring works": the rules that keep scores fair, in plain words, from the live config.
// People see the rule, not the trick. One section, included by the page with one call.
import type { WebContext } from '../context.js';
import { html } from '../html.js';

export function antiGamingSection(context: WebContext) {
  const config = context.config;
  const sources = config.sources as { discourse?: { allowedForums?: string[] } };
  const forums = sources.discourse?.allowedForums ?? [];
  const web = context.web;
  return html`<section class="card" id="fair-play"><h2>What keeps the scores fair</h2>
    <ul>
      <li><strong>Only what is provably yours counts.</strong> A linked account counts once it is verified: you place a code where only the account's owner can
        (a GitHub bio or gist, your Stack Exchange profile, your feed, calendar or site), or you sign in with it, or a program manager checks it.
        Until then what it finds waits. Anybody may claim any account, but a claim never blocks the real owner: the first verification wins, and the other claims are removed (their holders are told why).
        You can hold at most ${web.maxUnverifiedIdentities} unverified links at a time.</li>
      <li><strong>Events you publish yourself are reviewed.</strong> A calendar proves who wrote its entries, not that a community event took place. Events from a calendar
        count only after a program manager has marked that calendar trusted; until then each event waits for review.</li>
      <li><strong>Forums.</strong> ${forums.length
        ? html`Topics and replies count on the forums the program lists (${forums.join(', ')}); on any other forum they wait until a program manager marks that forum trusted.`
        : 'Topics and replies on a forum count only once a program manager has marked that forum trusted; until then they wait for review.'}</li>
      <li><strong>Posts and releases must be about Magento.</strong> Blog posts, videos and podcast episodes count when they are about Magento (by their keywords and categories),
        once even when cross-posted; package releases count when the package is a Magento extension and the release is stable.</li>
      <li><strong>Limits per day and week.</strong> Kinds that are easy to repeat have caps (shown in the table above). Over a cap, a contribution is kept with 0 points and the reason.</li>
      <li><strong>Nobody judges their own work.</strong> Submissions are reviewed by a program manager, never by the person who submitted them; managers' own work is reviewed by an administrator.
        Submissions, links and verification checks are limited per person (${web.memberRateLimits.submit.max} submissions per ${web.memberRateLimits.submit.windowMinutes} minutes).</li>
      <li><strong>Reports from other systems.</strong> An external system (an events platform) reports only the kinds of contribution its key allows, and what it reports
        counts only for a registered member or through a verified identity; anything else waits for review.</li>
      <li><strong>Staff and bots.</strong> Program staff are not eligible for awards, and bot accounts are left out of leaderboards.</li>
    </ul>
  </section>`;
}
