// The console's routes for one member: the member page (member-record-page.ts) and the writes
// made from it: private notes, the handle and the email change with its confirmation.
import type { FastifyRequest } from 'fastify';
import { UserError } from '../../store/errors.js';
import {
  addNote,
  changeHandle,
  confirmEmailChange,
  startEmailChange,
} from '../../store/member-console.js';
import { requireMember } from '../../store/members.js';
import type { WebContext } from '../context.js';
import { escapeHtml, html } from '../html.js';
import { formBody, page, paramsOf, queryOf, redirect, text, type Route } from '../routing.js';
import { requirePermission } from '../permission-check.js';
import { memberPage } from './member-record-page.js';

export const actorOf = (request: FastifyRequest) => `web:${request.viewer!.member.handle}`;

/** The member page and the writes made from it: notes, handle and email changes, the email confirmation. */
export function memberRecordRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/manage/members/:handle',
      access: 'manager',
      kind: 'page',
      summary: 'one member: contributions, status history, identities, notes and manager actions',
      handler: async (request, reply) => memberPage(context, request, reply),
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/notes',
      access: 'manager',
      kind: 'page',
      summary: 'add a private manager note about a member',
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', member);
        const note = text(formBody(request), 'note');
        if (!note)
          return redirect(context, reply, `/manage/members/${member.handle}#notes`, {
            kind: 'error',
            text: 'A note needs some text.',
          });
        await addNote(
          context.db,
          member.id,
          request.viewer!.member.id,
          note.slice(0, 4000),
          actorOf(request),
        );
        return redirect(context, reply, `/manage/members/${member.handle}#notes`, {
          kind: 'notice',
          text: 'Note added.',
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/handle',
      access: 'manager',
      kind: 'page',
      summary: "change a member's handle (the old one redirects)",
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', member);
        const body = formBody(request);
        try {
          const updated = await changeHandle(
            context.db,
            member.id,
            text(body, 'handle'),
            text(body, 'reason'),
            actorOf(request),
          );
          context.cache.clear();
          return redirect(context, reply, `/manage/members/${updated.handle}`, {
            kind: 'notice',
            text: `The handle is now @${updated.handle}; /ambassadors/${member.handle} redirects to it.`,
          });
        } catch (error) {
          if (error instanceof UserError)
            return redirect(context, reply, `/manage/members/${member.handle}`, {
              kind: 'error',
              text: error.message,
            });
          throw error;
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/email',
      access: 'manager',
      kind: 'page',
      summary: "start changing a member's email (the new address confirms)",
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', member);
        const email = text(formBody(request), 'email');
        try {
          const token = await startEmailChange(
            context.db,
            member.id,
            email,
            request.viewer!.member.id,
            actorOf(request),
            context.now(),
          );
          const link = `${context.baseUrl}/email-change/confirm?token=${token}`;
          await context.notifier.sendTransient(email, {
            subject: `Confirm your new email address for the ${context.config.program.name}`,
            text: `Hello ${member.name},\n\nA program manager changed the email address of your account to this one. Open this link within 48 hours to confirm it; until then the old address stays.\n\n${link}\n`,
            html: `<!doctype html><html><body><p>Hello ${escapeHtml(member.name)},</p><p>A program manager changed the email address of your account to this one. Open this link within 48 hours to confirm it; until then the old address stays.</p><p><a href="${link}">Confirm the new address</a></p></body></html>`,
          });
          return redirect(context, reply, `/manage/members/${member.handle}`, {
            kind: 'notice',
            text: `A confirmation link went to ${email}; the address changes when it is opened.`,
          });
        } catch (error) {
          if (error instanceof UserError)
            return redirect(context, reply, `/manage/members/${member.handle}`, {
              kind: 'error',
              text: error.message,
            });
          throw error;
        }
      },
    },
    {
      method: 'GET',
      url: '/email-change/confirm',
      access: 'anyone',
      kind: 'page',
      summary: 'confirm a new email address from the link sent to it',
      handler: async (request, reply) => {
        const member = await confirmEmailChange(
          context.db,
          queryOf(request).token ?? '',
          context.now(),
        ).catch((error: unknown) => {
          if (error instanceof UserError) return null;
          throw error;
        });
        return page(
          context,
          request,
          reply,
          member
            ? {
                title: 'Email address confirmed',
                main: html`<div class="narrow card">
                  <h1>Email address confirmed</h1>
                  <p>Sign-in links and messages now go to <strong>${member.email ?? ''}</strong>.</p>
                  <p><a href="/sign-in">Sign in</a></p>
                </div>`,
              }
            : {
                title: 'This link does not work',
                main: html`<div class="narrow card">
                  <h1>This link does not work</h1>
                  <p>
                    It was used already, it expired, or it is not complete. Ask for a new one in your
                    settings, or ask a program manager to send one.
                  </p>
                </div>`,
              },
          member ? 200 : 400,
        );
      },
    },
  ];
}
