// The review desk and the member console in headless Chromium (issue 12, "Done when"): the desk
// with 1,000 pending items in pages; Enter in the reject box rejects; an approval revoked after
// its confirmation page; 2026-02-30 refused with the Date field named; a submission sent back
// with "Ask for changes", fixed by the person and approved; a member found by email and
// messaged as a segment. axe-core checks every page state. Screenshots of the desk and the
// member console go to test-results/.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/store/members.js';
import { rescoreMembers } from '../../src/store/rescore.js';
import type { Member } from '../../src/store/schema.js';
import { buildApp } from '../../src/web/app.js';
import { sha256, sign } from '../../src/web/session.js';
import { freshStore, type TestStore } from '../support/engines.js';
import { CHROMIUM, freePort, launchChromium } from './browser-support.js';
import { SECRET, testConfig } from './support.js';

const RESULTS = path.resolve('test-results');
const TODAY = new Date('2026-06-15T10:00:00Z');

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)(
  'the review desk and member console in Chromium',
  () => {
    let store: TestStore;
    let app: FastifyInstance;
    let base: string;
    let maria: Member;
    let alice: Member;
    const dirs: string[] = [];
    const contexts: BrowserContext[] = [];
    const mails: { to: string; subject: string; text: string }[] = [];

    beforeAll(async () => {
      mkdirSync(RESULTS, { recursive: true });
      store = await freshStore('pglite');
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const config = testConfig({ program: { baseUrl: base } });
      maria = await addMember(
        store.db,
        {
          handle: 'maria',
          name: 'Maria Manager',
          email: 'maria@example.org',
          joinedAt: '2024-01-01',
          role: 'manager',
          isStaff: true,
        },
        'test',
      );
      alice = await addMember(
        store.db,
        {
          handle: 'alice',
          name: 'Alice Ambassador',
          email: 'alice@example.org',
          joinedAt: '2026-01-10',
          country: 'PT',
        },
        'test',
      );
      // Twenty ambassadors with 1,000 submissions waiting, created over the last weeks.
      const people: Member[] = [];
      for (let n = 0; n < 20; n += 1) {
        people.push(
          await addMember(
            store.db,
            {
              handle: `amb${n}`,
              name: `Ambassador ${n}`,
              email: `amb${n}@example.org`,
              joinedAt: '2025-06-01',
              country: n % 2 ? 'NL' : 'DE',
            },
            'test',
          ),
        );
      }
      const rows = Array.from({ length: 1000 }, (_, n) => ({
        member_id: people[n % 20]!.id,
        source: 'submission',
        external_id: `bulk-${n}`,
        kind: n % 2 ? 'talk' : 'blogPost',
        category: n % 2 ? 'events' : 'content',
        title:
          n === 0
            ? 'Reject me via Enter'
            : n === 1
              ? 'Approve then revoke'
              : `Pending item ${String(n).padStart(4, '0')}`,
        url: `https://example.org/item/${n}`,
        occurred_at: new Date(Date.UTC(2026, 4, 1 + (n % 28), 12)),
        review_state: 'pending' as const,
        metadata: JSON.stringify({}),
        created_at: new Date(Date.UTC(2026, 4, 1) + n * 60_000),
      }));
      for (let i = 0; i < rows.length; i += 250)
        await store.db
          .insertInto('contributions')
          .values(rows.slice(i, i + 250))
          .execute();
      await rescoreMembers(
        store.db,
        config,
        people.map((p) => p.id),
      );
      app = await buildApp({
        store,
        config,
        now: () => TODAY,
        pageCacheSeconds: 0,
        verifyIdentity: null,
        mailer: { send: async (m) => void mails.push({ to: m.to, subject: m.subject, text: m.text }) },
      });
      await app.listen({ port, host: '127.0.0.1' });
    }, 180_000);

    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await app?.close();
      await store?.dispose();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    async function signedIn(as: Member, viewport = { width: 1280, height: 900 }): Promise<Page> {
      const context = await launchChromium(dirs, viewport);
      contexts.push(context);
      const id = randomBytes(24).toString('base64url');
      await store.db
        .insertInto('sessions' as never)
        .values({
          id_hash: sha256(id),
          member_id: as.id,
          expires_at: new Date(TODAY.getTime() + 86_400_000),
        } as never)
        .execute();
      await context.addCookies([
        { name: 'amb_session', value: encodeURIComponent(sign(Buffer.from(SECRET), id)), url: base },
      ]);
      return context.newPage();
    }

    async function noViolations(page: Page, state: string): Promise<void> {
      const results = await new AxeBuilder({ page }).analyze();
      const violations = results.violations.map(
        (v) =>
          `${v.id}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
      expect(violations, `${state} (${page.url()})`).toEqual([]);
    }

    const stateOf = async (title: string) =>
      await store.db
        .selectFrom('contributions')
        .select(['id', 'review_state', 'review_reason', 'changes_requested'])
        .where('title', '=', title)
        .executeTakeFirstOrThrow();

    it('pages through 1,000 pending items, rejects with Enter in the reason box and revokes an approval', async () => {
      const desk = await signedIn(maria);
      await desk.goto(`${base}/manage/reviews`);
      await desk.getByRole('heading', { name: /Review desk \(1,000 pending\)/ }).waitFor();
      await desk.getByText('Showing 1–25 of 1,000 pending items, oldest first.').waitFor();
      expect(await desk.locator('.review-item').count()).toBe(25);
      await noViolations(desk, 'review desk');
      await desk.screenshot({ path: path.join(RESULTS, 'review-desk.png'), fullPage: false });
      await desk.getByRole('link', { name: 'Next →' }).click();
      await desk.getByText('Showing 26–50 of 1,000 pending items').waitFor();
      await desk.locator('.pagination').getByRole('link', { name: '1', exact: true }).click();
      await desk.getByText('Showing 1–25 of 1,000').waitFor();

      // Enter in the reject reason box submits the reject form, not an approval.
      const item = desk.locator('.review-item', { hasText: 'Reject me via Enter' });
      await item.getByLabel('Reason (the person sees it)').fill('No programme or recording found');
      await item.getByLabel('Reason (the person sees it)').press('Enter');
      await desk.getByText('Rejected “Reject me via Enter”.').waitFor();
      expect(await stateOf('Reject me via Enter')).toMatchObject({
        review_state: 'rejected',
        review_reason: 'No programme or recording found',
      });
      expect(
        mails.some((m) => m.subject === 'Your contribution "Reject me via Enter" was not approved'),
      ).toBe(true);
      expect(mails.some((m) => /Reject me via Enter" was approved/.test(m.subject))).toBe(false);
      await desk.getByText('Showing 1–25 of 999 pending items').waitFor();
      await noViolations(desk, 'after a rejection');

      // Approve, then take the approval back after its confirmation page.
      await desk
        .locator('.review-item', { hasText: 'Approve then revoke' })
        .getByRole('button', { name: /^Approve/ })
        .click();
      await desk.getByText('Approved “Approve then revoke”.').waitFor();
      await desk.getByRole('link', { name: 'Recent decisions (revoke an approval)' }).click();
      await noViolations(desk, 'recent decisions');
      await desk.getByRole('link', { name: /Revoke the approval of “Approve then revoke”/ }).click();
      await desk.getByRole('heading', { name: 'Revoke the approval of “Approve then revoke”?' }).waitFor();
      await noViolations(desk, 'revoke confirmation');
      await desk.getByLabel('Reason (the person sees it)').fill('The event was cancelled');
      await desk.getByRole('button', { name: 'Revoke the approval' }).click();
      await desk
        .getByText('The approval of “Approve then revoke” is revoked; it no longer counts.')
        .waitFor();
      expect(await stateOf('Approve then revoke')).toMatchObject({
        review_state: 'rejected',
        review_reason: 'The event was cancelled',
      });
      expect(mails.some((m) => m.subject === 'The approval of "Approve then revoke" was withdrawn')).toBe(
        true,
      );

      // A bulk decision asks first.
      await desk.goto(`${base}/manage/reviews`);
      await desk.locator('.review-item').nth(0).locator('input[type=checkbox]').check();
      await desk.locator('.review-item').nth(1).locator('input[type=checkbox]').check();
      await desk.getByRole('button', { name: 'Review the selected…' }).click();
      await desk.getByRole('heading', { name: 'Approve 2 contributions?' }).waitFor();
      await noViolations(desk, 'bulk confirmation');
      await desk.getByRole('link', { name: 'Cancel' }).click();
      await desk.getByText('Showing 1–25 of 998 pending items').waitFor();
    }, 300_000);

    it('refuses 2026-02-30 naming the Date field, and a submission sent back for changes is fixed and approved', async () => {
      const person = await signedIn(alice);
      await person.goto(`${base}/me/submit`);
      await noViolations(person, 'submit form');
      await person.getByLabel('What kind of contribution').selectOption('talk');
      await person.getByLabel('Title').fill('Talk: Hyvä at Meet Magento PT');
      await person.getByLabel('Link').fill('https://mm.example/pt/talk');
      // A browser without a date picker sends what was typed.
      await person.locator('#f-date').evaluate((input) => ((input as HTMLInputElement).type = 'text'));
      await person.locator('#f-date').fill('2026-02-30');
      await person.getByRole('button', { name: 'Submit for review' }).click();
      await person.getByRole('alert').getByRole('link', { name: 'Date' }).waitFor();
      expect(await person.locator('#f-date').getAttribute('aria-invalid')).toBe('true');
      expect(await person.locator('#f-date-error').textContent()).toContain('February 2026 has 28 days');
      expect(await person.getByLabel('Title').inputValue()).toBe('Talk: Hyvä at Meet Magento PT');
      await noViolations(person, 'submit form with a refused date');
      await person.locator('#f-date').evaluate((input) => ((input as HTMLInputElement).type = 'text'));
      await person.locator('#f-date').fill('2026-05-01');
      await person.getByRole('button', { name: 'Submit for review' }).click();
      await person.getByText('"Talk: Hyvä at Meet Magento PT" is submitted and waits for review.').waitFor();

      const desk = await signedIn(maria);
      await desk.goto(`${base}/manage/reviews?member=alice`);
      const item = desk.locator('.review-item', { hasText: 'Talk: Hyvä at Meet Magento PT' });
      await item
        .getByLabel('Reason (the person sees it)')
        .fill('Please resubmit with the right date: the programme says 14 May.');
      await item.getByRole('button', { name: /^Ask for changes/ }).click();
      await desk.getByText('Asked for changes on “Talk: Hyvä at Meet Magento PT”.').waitFor();
      expect(
        mails.some(
          (m) =>
            m.to === 'alice@example.org' &&
            m.subject === 'Changes requested on "Talk: Hyvä at Meet Magento PT"',
        ),
      ).toBe(true);

      await person.goto(`${base}/me/contributions`);
      await person.getByText('Changes requested').first().waitFor();
      await noViolations(person, 'my contributions with a change request');
      await person.getByRole('link', { name: /Fix and resubmit/ }).click();
      await person.getByText('The reviewer asked for changes').waitFor();
      await noViolations(person, 'fix and resubmit form');
      await person.locator('#f-date').evaluate((input) => ((input as HTMLInputElement).type = 'text'));
      await person.locator('#f-date').fill('2026-05-14');
      await person.getByRole('button', { name: 'Resubmit for review' }).click();
      await person.getByText('is resubmitted and waits for review').waitFor();

      await desk.goto(`${base}/manage/reviews?member=alice`);
      await desk
        .locator('.review-item', { hasText: 'Talk: Hyvä at Meet Magento PT' })
        .getByRole('button', { name: /^Approve/ })
        .click();
      await desk.getByText('Approved “Talk: Hyvä at Meet Magento PT”.').waitFor();
      const row = await stateOf('Talk: Hyvä at Meet Magento PT');
      expect(row).toMatchObject({ review_state: 'counted', changes_requested: false });
      await desk.goto(`${base}/manage/reviews/${row.id}`);
      for (const words of ['Changes requested by @maria', 'Resubmitted', 'Approved by @maria'])
        await desk.getByText(words).first().waitFor();
      await noViolations(desk, 'review thread');
    }, 300_000);

    it('finds a member by email and messages them as a segment', async () => {
      const console_ = await signedIn(maria);
      await console_.goto(`${base}/manage/members`);
      await console_.getByRole('heading', { name: 'Members (22)' }).waitFor();
      await noViolations(console_, 'member console');
      await console_.screenshot({ path: path.join(RESULTS, 'member-console.png'), fullPage: false });
      await console_.getByLabel('Name, handle or email').fill('alice@example.org');
      await console_.getByRole('button', { name: 'Find' }).click();
      await console_.getByRole('heading', { name: 'Members (1)' }).waitFor();
      await console_.getByRole('link', { name: 'Alice Ambassador' }).waitFor();
      await noViolations(console_, 'member console, found by email');
      await console_.getByRole('link', { name: /Message everyone matching \(1\)/ }).click();
      await console_.getByRole('heading', { name: 'Message 1 member' }).waitFor();
      await noViolations(console_, 'segment message form');
      await console_.getByLabel('Subject').fill('Speaking at Meet Magento PT');
      await console_
        .getByLabel('Message')
        .fill('Would you give your talk again in October?\n\nReply to this email.');
      await console_.getByRole('button', { name: 'Review before sending…' }).click();
      await console_
        .getByRole('heading', { name: 'Send “Speaking at Meet Magento PT” to 1 member?' })
        .waitFor();
      await noViolations(console_, 'segment message confirmation');
      await console_.getByRole('button', { name: 'Yes, send it' }).click();
      await console_.getByText('Message sent to 1; 0 skipped').waitFor();
      const sent = mails.filter((m) => m.subject === 'Speaking at Meet Magento PT');
      expect(sent.map((m) => m.to)).toEqual(['alice@example.org']);
      expect(sent[0]!.text).toContain('Would you give your talk again in October?');

      await console_.goto(`${base}/manage/members/alice`);
      await console_.getByLabel('Add a note').fill('Offered a slot at MM PT in October.');
      await console_.getByRole('button', { name: 'Add the note' }).click();
      await console_.getByText('Offered a slot at MM PT in October.').waitFor();
      await noViolations(console_, 'member page with a note');
      await console_.goto(`${base}/manage/members?segment=lapsing-this-month&sort=points&dir=desc`);
      await noViolations(console_, 'member console, lapsing this month, sorted');
      await console_.goto(`${base}/manage/reports`);
      await noViolations(console_, 'reports');
      await console_.goto(`${base}/manage/audit?action=review.`);
      await noViolations(console_, 'audit log filtered');
    }, 300_000);
  },
);
