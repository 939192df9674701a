// "How scoring works", generated from the live rules: one section per topic, in the order of
// SCORING_SECTIONS. Another part of the program adds its own section by adding a function to
// that list (the anti-gaming policy, for example), without touching the others.
import { pointsText } from '../../domain/awards.js';
import { CATEGORIES, CATEGORY_LABELS } from '../../domain/categories.js';
import { TIE_BREAK_DESCRIPTION } from '../../domain/leaderboard.js';
import { rulesVersions, type RulesVersion } from '../../domain/rules.js';
import { whereFound } from '../../sources/kinds-found.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { time } from '../views/components.js';
import { antiGamingSection } from './anti-gaming.js';

export type ScoringSection = (context: WebContext, rules: RulesVersion) => Html;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "01-01" → "1 January". */
export function monthDayText(monthDay: string): string {
  const [month, day] = monthDay.split('-').map(Number) as [number, number];
  return `${day} ${MONTHS[month - 1]}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** How a kind gets counted, in the words a contributor needs. */
export function howFound(kind: string, submittable: boolean): string {
  const where = whereFound(kind);
  if (where.length && submittable) return `found automatically on ${where.join(' and ')}; submit it for review when it is published elsewhere`;
  if (where.length) return `found automatically on ${where.join(' and ')}`;
  if (submittable) return 'submitted by you, reviewed by a manager';
  return 'recorded by the program managers or a connected system';
}

const pointsByKind: ScoringSection = (_context, current) => html`<section class="card" aria-labelledby="points-title"><h2 id="points-title">Points by kind</h2>
  ${CATEGORIES.map((category) => {
    const kinds = Object.entries(current.kinds).filter(([, kind]) => kind.category === category);
    if (kinds.length === 0) return '';
    return html`<h3>${CATEGORY_LABELS[category]}</h3>
    <div class="table-wrap" tabindex="0" role="region" aria-label="${CATEGORY_LABELS[category]} kinds"><table class="rules"><thead><tr><th scope="col">Contribution</th><th scope="col" class="num">Points</th><th scope="col">How it is found</th><th scope="col">Limit</th></tr></thead>
    <tbody>${kinds.map(([name, kind]) => {
      const cap = current.caps[name];
      return html`<tr><td>${kind.label}</td><td class="num">${pointsText(current.points[name] ?? 0)}</td>
        <td>${howFound(name, kind.submittable)}</td>
        <td>${cap ? [cap.perDay ? `${cap.perDay} a day` : '', cap.perWeek ? `${cap.perWeek} a week` : ''].filter(Boolean).join(', ') : '—'}</td></tr>`;
    })}</tbody></table></div>`;
  })}</section>`;

const adjustments: ScoringSection = (_context, current) => {
  const describe = (m: RulesVersion['modifiers'][number]) => {
    const condition = m.label !== undefined ? `labelled "${m.label}"` : m.flag !== undefined ? `${m.name ?? m.flag}` : `per ${m.field}`;
    const effect =
      m.base !== undefined
        ? `${pointsText(m.base)} instead of the kind's points`
        : m.add !== undefined
          ? `${pointsText(m.add)} more`
          : m.multiply !== undefined
            ? `× ${m.multiply}`
            : `${pointsText(m.perUnit ?? 0)} more per unit${m.max !== undefined ? `, at most ${pointsText(m.max)}` : ''}`;
    return { kinds: m.kinds.map((k) => current.kinds[k]?.label ?? k).join(', '), condition, effect };
  };
  return html`<section class="card" aria-labelledby="adjustments-title"><h2 id="adjustments-title">Adjustments</h2>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Adjustments table"><table class="rules"><thead><tr><th scope="col">Applies to</th><th scope="col">When</th><th scope="col">Effect</th></tr></thead>
    <tbody>${current.modifiers.map((m) => {
      const d = describe(m);
      return html`<tr><td>${d.kinds}</td><td>${d.condition}</td><td>${d.effect}</td></tr>`;
    })}</tbody></table></div>
    <p>Over a limit, a contribution is kept with 0 points and the reason, so nothing is hidden.</p>
  </section>`;
};

const status: ScoringSection = (context) => {
  const activity = context.config.activity;
  return html`<section class="card" id="status" aria-labelledby="status-title"><h2 id="status-title">Status</h2>
    <p>You are an active ambassador for ${plural(activity.windowMonths, 'month', 'months')} after you join and after each counted contribution. In the last
    ${plural(activity.lapseWarningDays, 'day', 'days')} we remind you; after that your status lapses until your next counted contribution. Pending and rejected submissions do not count.</p>
  </section>`;
};

const awards: ScoringSection = (context) => {
  const settings = context.config.awards;
  const rules = settings.eligibility;
  const whole = settings.cycle.start === '01-01' && settings.cycle.end === '12-31';
  return html`<section class="card" aria-labelledby="awards-title"><h2 id="awards-title">Awards</h2>
    <p>The award cycle of a year runs from ${monthDayText(settings.cycle.start)} to ${monthDayText(settings.cycle.end)}${whole ? ' (the calendar year)' : ''}, in UTC. The top ${settings.topN} eligible ambassadors
    ${settings.categoryWinners ? 'and the leader of each category ' : ''}are named from a frozen snapshot, published once the cycle has ended.
    ${rules.excludeStaff ? 'Program staff are not eligible, and the awards page says so. ' : ''}${rules.minPoints > 0 ? `At least ${pointsText(rules.minPoints)} ${rules.minPoints === 1 ? 'is' : 'are'} needed. ` : ''}
    ${rules.requireActiveAtCycleEnd ? 'You must be active on the last day of the cycle.' : ''}</p>
    <p>Ties are broken by ${TIE_BREAK_DESCRIPTION.join(', then ')}.</p>
  </section>`;
};

const history: ScoringSection = (context) => {
  const versions = rulesVersions(context.config);
  return versions.length > 1
    ? html`<section class="card"><h2>Rules history</h2><ul>${versions.map((v) => html`<li><code>${v.id}</code> from ${time(v.effectiveFrom)}${v.note ? html`: ${v.note}` : ''}</li>`)}</ul></section>`
    : html``;
};

const visibility: ScoringSection = (context) =>
  html`<p>Scores are ${context.config.visibility.scores === 'public' ? 'public: points and explanations show on every profile' : 'private: only you and the program managers see your points and their explanations'}.</p>`;

/** The sections of the page, top to bottom. Add a section by adding its function here. */
export const SCORING_SECTIONS: ScoringSection[] = [pointsByKind, adjustments, antiGamingSection, status, awards, history, visibility];

export function scoringBody(context: WebContext): Html {
  const versions = rulesVersions(context.config);
  const current = versions[versions.length - 1]!;
  return html`<h1>How scoring works</h1>
    <p class="lead">Every counted contribution earns points by its kind, adjusted by the labels and signals it carries. Each point on a profile says which record and which rule made it,
      for example <q>60 = merged pull request 10 + 30 (Award: advanced) + 20 (Award: complex)</q>.</p>
    <p class="meta">Rules version <code>${current.id}</code>, in force since ${time(current.effectiveFrom)}.${current.note ? html` ${current.note}` : ''}</p>
    ${SCORING_SECTIONS.map((section) => section(context, current))}`;
}
