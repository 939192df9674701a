// Submitting a contribution that no source can see, for review.
import { pointsText } from '../../domain/awards.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORY_LABELS } from '../../domain/categories.js';
import { submitContribution } from '../../store/contributions.js';
import { UserError } from '../../store/errors.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { formBody, page, redirect, text, type Route } from '../routing.js';
import { csrfField, field, problemsList, select } from '../views/components.js';
import { csrfToken } from '../session.js';
import { countMemberAction } from '../member-limits.js';
import { actorOf, me } from './own.js';

export function submissionRoutes(context: WebContext): Route[] {
  const submittable = Object.entries(context.config.kinds).filter(([, kind]) => kind.submittable);

  function submitPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, problems: string[] = [], status = 200) {
    return page(context, request, reply, {
      title: 'Submit a contribution',
      main: html`<div class="narrow"><h1>Submit a contribution</h1>
        <p class="lead">For work no source can see: talks, workshops, organised events, mentoring, training, documentation pages, posts.
          A program manager reviews it; once approved it counts from its date.</p>
        ${problemsList(problems)}
        <form method="post" action="/me/submit" class="card form">
          ${csrfField(csrfToken(context, request, reply))}
          ${select({ name: 'kind', label: 'What kind of contribution', value: values.kind, required: true, choices: submittable.map(([name, kind]) => ({ value: name, label: `${kind.label} (${CATEGORY_LABELS[kind.category]}, ${pointsText(context.config.scoring.points[name] ?? 0)})` })) })}
          ${field({ name: 'title', label: 'Title', value: values.title, required: true, maxlength: 300, hint: 'e.g. "Talk: Scaling Magento checkout at Meet Magento NL"' })}
          ${field({ name: 'url', label: 'Link', type: 'url', value: values.url, required: true, hint: 'Where people can see it: the event page, the recording, the post.' })}
          ${field({ name: 'date', label: 'Date', type: 'date', value: values.date, required: true })}
          ${field({ name: 'evidence', label: 'Evidence (optional)', type: 'url', value: values.evidence, hint: 'A second link that shows you did it: slides, the programme, a photo.' })}
          <button type="submit">Submit for review</button>
        </form></div>`,
    }, status);
  }

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
        const body = formBody(request);
        const values = { kind: text(body, 'kind'), title: text(body, 'title'), url: text(body, 'url'), date: text(body, 'date'), evidence: text(body, 'evidence') };
        await countMemberAction(context, me(request).id, 'submit');
        try {
          await submitContribution(
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
          if (error instanceof UserError) return submitPage(request, reply, values, error.message.split('; '), error.code === 'conflict' ? 409 : 400);
          throw error;
        }
        return redirect(context, reply, '/me/contributions', { kind: 'notice', text: `"${values.title}" is submitted and waits for review.` });
      },
    },
  ];
}
