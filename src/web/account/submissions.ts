// Submitting a contribution that no source can see, for review; editing or withdrawing it while
// it waits, and fixing and resubmitting it after a rejection or a change request. Every field
// is checked in one pass; the date is a real calendar day between joining and today.
import { pointsText } from '../../domain/awards.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CATEGORY_LABELS } from '../../domain/categories.js';
import { contributionDateProblem } from '../../domain/contribution-date.js';
import { MAX_LENGTH } from '../../domain/untrusted-text.js';
import { isHttpUrl, submitContribution } from '../../store/contributions.js';
import { editSubmission, ownSubmission, withdrawSubmission } from '../../store/own-submissions.js';
import { reviewThread } from '../../store/reviews.js';
import { UserError } from '../../store/errors.js';
import type { ContributionRow } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { formBody, page, paramsOf, redirect, type Route } from '../routing.js';
import { csrfField, time } from '../views/components.js';
import { errorsFromProblems, errorSummary, formField, formSelect, readForm, type FieldErrors } from '../views/forms.js';
import { csrfToken } from '../session.js';
import { countMemberAction } from '../member-limits.js';
import { notFound } from '../errors.js';
import { actorOf, me } from './own.js';

const FIELDS = ['kind', 'title', 'url', 'date', 'evidence'] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const LABELS: Record<string, string> = { kind: 'What kind of contribution', title: 'Title', url: 'Link', date: 'Date', evidence: 'Evidence' };
/** Store problems ("date: …") sorted to the form's fields. */
const FIELD_OF = { kind: 'kind', category: 'kind', title: 'title', url: 'url', date: 'date', evidence: 'evidence' };

const isLink = (v: string) => v.length <= MAX_LENGTH.url && isHttpUrl(v);

export function submissionSchema(submittable: string[], bounds: { joinedAt: string; today: string }) {
  return z.object({
    kind: z.string().refine((v) => submittable.includes(v), 'Choose what kind of contribution it is from the list.'),
    title: z.string().min(1, 'Give the contribution a title.').max(300, 'The title can be at most 300 characters.'),
    url: z.string().min(1, 'Enter the link where people can see it.').refine(isLink, 'Enter the link as a full web address starting with https:// or http://.'),
    date: z.string().superRefine((value, ctx) => {
      const problem = value ? contributionDateProblem(value, bounds) : 'Enter the date it happened (YYYY-MM-DD).';
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    evidence: z.string().refine((v) => !v || isLink(v), 'Enter the evidence as a full web address starting with https:// or http://, or leave it empty.'),
  });
}

export function submissionRoutes(context: WebContext): Route[] {
  const submittable = Object.entries(context.config.kinds).filter(([, kind]) => kind.submittable);
  const kindNames = submittable.map(([name]) => name);

  function formFields(form: { values: Record<string, string>; errors: FieldErrors }): Html {
    return html`${formSelect({ name: 'kind', label: LABELS.kind!, required: true, choices: [{ value: '', label: 'Choose…' }, ...submittable.map(([name, kind]) => ({ value: name, label: `${kind.label} (${CATEGORY_LABELS[kind.category]}, ${pointsText(context.config.scoring.points[name] ?? 0)})` }))], hint: 'Code outside GitHub counts too: a merge request on GitLab or Bitbucket, a module published elsewhere.' }, form)}
      ${formField({ name: 'title', label: LABELS.title!, required: true, maxlength: 300, hint: 'e.g. "Talk: Scaling Magento checkout at Meet Magento NL"' }, form)}
      ${formField({ name: 'url', label: LABELS.url!, type: 'url', required: true, hint: 'Where people can see it: the event page, the recording, the post, the merge request.' }, form)}
      ${formField({ name: 'date', label: LABELS.date!, type: 'date', required: true, hint: 'The day it happened, YYYY-MM-DD: on or after the day you joined, not after today.' }, form)}
      ${formField({ name: 'evidence', label: 'Evidence (optional)', type: 'url', hint: 'A second link that shows you did it: slides, the programme, a photo.' }, form)}`;
  }

  function submitPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldErrors = {}, status = 200) {
    return page(context, request, reply, {
      title: Object.keys(errors).length ? 'Submit a contribution (please correct the form)' : 'Submit a contribution',
      main: html`<div class="narrow"><h1>Submit a contribution</h1>
        <p class="lead">For work no source can see: talks, workshops, organised events, mentoring, training, documentation pages, posts, code outside GitHub.
          A program manager reviews it; once approved it counts from its date.</p>
        ${errorSummary(errors, LABELS)}
        <form method="post" action="/me/submit" class="card form" novalidate>
          ${csrfField(csrfToken(context, request, reply))}
          ${formFields({ values, errors })}
          <button type="submit">Submit for review</button>
        </form></div>`,
    }, status);
  }

  function editPage(request: FastifyRequest, reply: FastifyReply, row: ContributionRow, values: Record<string, string>, thread: Awaited<ReturnType<typeof reviewThread>>, errors: FieldErrors = {}, status = 200) {
    const resubmit = row.review_state === 'rejected';
    const heading = resubmit ? 'Fix and resubmit' : 'Edit your submission';
    return page(context, request, reply, {
      title: `${heading}: ${row.title}`,
      main: html`<div class="narrow"><h1>${heading}</h1>
        ${row.review_state === 'rejected' && row.review_reason
          ? html`<div class="card notice-card"><p><strong>${row.changes_requested ? 'The reviewer asked for changes' : 'Not approved'}:</strong> ${row.review_reason}</p>
              <p class="meta">Change what was asked and resubmit; it waits for review again.</p></div>`
          : ''}
        ${errorSummary(errors, LABELS)}
        <form method="post" action="/me/submissions/${row.id}/edit" class="card form" novalidate>
          ${csrfField(csrfToken(context, request, reply))}
          ${formFields({ values, errors })}
          <button type="submit">${resubmit ? 'Resubmit for review' : 'Save changes'}</button>
        </form>
        <p><a href="/me/submissions/${row.id}/withdraw">Withdraw this submission…</a></p>
        ${thread.length ? html`<section class="card" aria-labelledby="thread-title"><h2 id="thread-title">History</h2><ol class="thread">${thread.map(
          (entry) => html`<li>${time(entry.at)} · ${THREAD_WORDS[entry.action] ?? entry.action}${entry.note ? html`: <q>${entry.note}</q>` : ''}</li>`,
        )}</ol></section>` : ''}</div>`,
    }, status);
  }

  const valuesOf = (row: ContributionRow): Values => ({
    kind: row.kind,
    title: row.title,
    url: row.url ?? '',
    date: row.occurred_at.toISOString().slice(0, 10),
    evidence: row.evidence_url ?? '',
  });

  async function editable(request: FastifyRequest): Promise<ContributionRow> {
    try {
      const row = await ownSubmission(context.db, Number(paramsOf(request).id), me(request).id);
      if (row.review_state === 'counted' || row.review_state === 'excluded') throw notFound('this submission counts already and cannot be changed');
      return row;
    } catch (error) {
      if (error instanceof UserError) throw notFound(error.message);
      throw error;
    }
  }

  const schemaFor = (request: FastifyRequest) => submissionSchema(kindNames, { joinedAt: me(request).joined_at, today: context.today() });

  return [
    {
      method: 'GET',
      url: '/me/submit',
      access: 'member',
      kind: 'page',
      summary: 'submission form',
      handler: async (request, reply) => submitPage(request, reply, { date: context.today() }),
    },
    {
      method: 'POST',
      url: '/me/submit',
      access: 'member',
      kind: 'page',
      summary: 'submit a contribution',
      handler: async (request, reply) => {
        const form = readForm(schemaFor(request), formBody(request), FIELDS);
        const values = form.values;
        if (!form.ok) return submitPage(request, reply, values, form.errors, 400);
        await countMemberAction(context, me(request).id, 'submit');
        let row: ContributionRow;
        try {
          row = await submitContribution(
            context.db,
            context.config,
            {
              memberId: me(request).id,
              kind: values.kind,
              category: context.config.kinds[values.kind]?.category ?? '',
              title: values.title,
              url: values.url,
              date: values.date,
              evidenceUrl: values.evidence || null,
            },
            actorOf(request),
            context.today(),
          );
        } catch (error) {
          if (error instanceof UserError) return submitPage(request, reply, values, errorsFromProblems(error.message.split('; '), FIELD_OF), error.code === 'conflict' ? 409 : 400);
          throw error;
        }
        await context.notifier.webhook('submission.created', String(row.id), { id: row.id, handle: me(request).handle, kind: row.kind, category: row.category, title: row.title, url: row.url, occurredOn: values.date, reviewUrl: `${context.baseUrl}/manage/reviews/${row.id}` }).catch((error: Error) => request.log.warn({ err: error.message }, 'submission.created webhook not sent'));
        return redirect(context, reply, '/me/contributions', { kind: 'notice', text: `"${values.title}" is submitted and waits for review.` });
      },
    },
    {
      method: 'GET',
      url: '/me/submissions/:id/edit',
      access: 'member',
      kind: 'page',
      summary: 'edit or fix one of my submissions',
      handler: async (request, reply) => {
        const row = await editable(request);
        return editPage(request, reply, row, valuesOf(row), await reviewThread(context.db, row.id));
      },
    },
    {
      method: 'POST',
      url: '/me/submissions/:id/edit',
      access: 'member',
      kind: 'page',
      summary: 'save or resubmit one of my submissions',
      handler: async (request, reply) => {
        const row = await editable(request);
        const form = readForm(schemaFor(request), formBody(request), FIELDS);
        const values = form.values;
        if (!form.ok) return editPage(request, reply, row, values, await reviewThread(context.db, row.id), form.errors, 400);
        try {
          await editSubmission(context.db, context.config, row.id, me(request).id, { kind: values.kind, title: values.title, url: values.url, date: values.date, evidenceUrl: values.evidence || null }, actorOf(request), context.today());
        } catch (error) {
          if (error instanceof UserError) return editPage(request, reply, row, values, await reviewThread(context.db, row.id), errorsFromProblems(error.message.split('; '), FIELD_OF), error.code === 'conflict' ? 409 : 400);
          throw error;
        }
        return redirect(context, reply, '/me/contributions', { kind: 'notice', text: row.review_state === 'rejected' ? `"${values.title}" is resubmitted and waits for review.` : `"${values.title}" is saved.` });
      },
    },
    {
      method: 'GET',
      url: '/me/submissions/:id/withdraw',
      access: 'member',
      kind: 'page',
      summary: 'confirm withdrawing one of my submissions',
      handler: async (request, reply) => {
        const row = await editable(request);
        return page(context, request, reply, {
          title: `Withdraw “${row.title}”?`,
          main: html`<div class="narrow card"><h1>Withdraw “${row.title}”?</h1>
            <p>It is removed from the review queue and from your contributions. You can submit it again later.</p>
            <form method="post" action="/me/submissions/${row.id}/withdraw">${csrfField(csrfToken(context, request, reply))}
              <button type="submit" class="danger">Withdraw it</button> <a class="button secondary" href="/me/submissions/${row.id}/edit">Keep it</a></form></div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/me/submissions/:id/withdraw',
      access: 'member',
      kind: 'page',
      summary: 'withdraw one of my submissions',
      handler: async (request, reply) => {
        const row = await editable(request);
        await withdrawSubmission(context.db, context.config, row.id, me(request).id, actorOf(request));
        context.cache.clear();
        return redirect(context, reply, '/me/contributions', { kind: 'notice', text: `"${row.title}" is withdrawn.` });
      },
    },
  ];
}

export const THREAD_WORDS: Record<string, string> = {
  submitted: 'Submitted',
  edited: 'Edited while waiting',
  assigned: 'Assigned to a reviewer',
  approved: 'Approved',
  rejected: 'Not approved',
  changes_requested: 'Changes requested',
  resubmitted: 'Resubmitted',
  revoked: 'Approval revoked',
  withdrawn: 'Withdrawn',
};
