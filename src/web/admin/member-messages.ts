// Messages to a segment of the member console: everyone its filters match, less who the
// manager may not act on, after a confirmation page; audited with the outcome.
import { formBody, page, queryOf, redirect, text, type Route } from '../routing.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { csrfField } from '../views/components.js';
import { csrfToken } from '../session.js';
import { actorOf } from './member-page.js';
import { keptQuery, queryString, segmentTools } from './member-segments.js';
import { adminNav } from './nav.js';

export function memberMessageRoutes(context: WebContext): Route[] {
  const { matching, partition, sendMessage, messageFields } = segmentTools(context);
  return [
    {
      method: 'GET',
      url: '/manage/members/message',
      access: 'manager',
      kind: 'page',
      summary: 'write a message to everyone the filters match',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const everyone = await matching(query);
        const { allowed, refused } = partition(request, everyone);
        return page(context, request, reply, {
          title: 'Message a segment',
          main: html`${adminNav('/manage/members')}
            <div class="narrow">
              <h1>
                Message ${allowed.length.toLocaleString('en-US')} member${allowed.length === 1 ? '' : 's'}
              </h1>
              <p>
                Everyone matching
                <a href="/manage/members${queryString(keptQuery(query))}">these filters</a
                >${refused.length ? `, except ${refused.length} you may not message` : ''}. People who turned
                off messages from the program managers are skipped.
              </p>
              <form
                method="post"
                action="/manage/members/message${queryString(keptQuery(query))}"
                class="card form"
              >
                ${csrfField(csrfToken(context, request, reply))} ${messageFields({})}
                <button type="submit">Review before sending…</button>
              </form>
            </div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/members/message',
      access: 'manager',
      kind: 'page',
      summary: 'send a message to a segment, after a confirmation',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const body = formBody(request);
        const subject = text(body, 'subject').slice(0, 200);
        const message = text(body, 'body').slice(0, 5000);
        const qs = queryString(keptQuery(query));
        if (!subject || !message)
          return redirect(context, reply, `/manage/members/message${qs}`, {
            kind: 'error',
            text: 'A message needs a subject and a text.',
          });
        const { allowed } = partition(request, await matching(query));
        if (text(body, 'confirm') !== 'yes') {
          return page(context, request, reply, {
            title: `Send “${subject}” to ${allowed.length} members?`,
            main: html`${adminNav('/manage/members')}
              <div class="narrow card">
                <h1>
                  Send “${subject}” to ${allowed.length.toLocaleString('en-US')}
                  member${allowed.length === 1 ? '' : 's'}?
                </h1>
                <pre class="message-preview">${message}</pre>
                <form method="post" action="/manage/members/message${qs}">
                  ${csrfField(csrfToken(context, request, reply))}
                  <input type="hidden" name="subject" value="${subject}" /><input
                    type="hidden"
                    name="body"
                    value="${message}"
                  /><input type="hidden" name="confirm" value="yes" />
                  <button type="submit">Yes, send it</button>
                  <a class="button secondary" href="/manage/members${qs}">Cancel</a>
                </form>
              </div>`,
          });
        }
        const outcome = await sendMessage(request, allowed, subject, message);
        await context.db
          .insertInto('audit_log')
          .values({
            actor: actorOf(request),
            action: 'member.message',
            subject_type: 'segment',
            subject_id: qs.slice(0, 500) || 'everyone',
            reason: subject,
            details: JSON.stringify(outcome),
          })
          .execute();
        return redirect(context, reply, `/manage/members${qs}`, {
          kind: 'notice',
          text: `Message sent to ${outcome.sent}; ${outcome.skipped} skipped (preferences or no email)${outcome.failed ? `; ${outcome.failed} failed and will be retried` : ''}.`,
        });
      },
    },
  ];
}
