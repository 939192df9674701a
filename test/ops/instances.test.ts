// Done when (issue 11): two `serve` processes (one with jobs, one web only) and one `worker` on
// one PostgreSQL database, with a short schedule against a loopback feed. Each scheduled sync
// runs exactly once per tick; a session and a form made on one instance work on the other;
// the sign-in limit is shared; a page changed through one is fresh on the other; and a worker
// killed (SIGKILL) in the middle of a run is reaped and its job completed by another process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { runCli } from '../cli/run-cli.js';
import { wordpressRss } from '../fakes/feeds.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
import { ENGINES } from '../support/engines.js';
import { startSmtp, type TestSmtp } from '../web/smtp.js';
import { createDatabase, startProcess, type RunningProcess, type TestDatabase } from './processes.js';

const postgres = ENGINES.includes('postgres');
const SIGN_IN_MAX = 4;

interface Browser {
  cookies: Map<string, string>;
}

function cookieHeader(browser: Browser): string {
  return [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

async function request(browser: Browser, url: string, init: { method?: string; form?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      cookie: cookieHeader(browser),
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
  });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    browser.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function csrfOf(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1]!;
}

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface LogLine {
  msg?: string;
  source?: string;
  tick?: string | null;
  trigger?: string;
}

function logLines(processes: RunningProcess[]): LogLine[] {
  return processes.flatMap((p) =>
    p
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine),
  );
}

describe.skipIf(!postgres)('several instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let feeds: FakeServer;
  let smtp: TestSmtp;
  let folder: string;
  let slow: Promise<void> | null = null;
  let release: () => void = () => undefined;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createDatabase();
    feeds = await startFakeServer(async (req) => {
      if (req.path !== '/blog/feed') return { status: 404, body: 'not found' };
      if (slow) await slow;
      return { body: wordpressRss(feeds.url), headers: { 'content-type': 'application/rss+xml' } };
    });
    smtp = await startSmtp();
    folder = mkdtempSync(path.join(os.tmpdir(), 'ambassador-ops-'));
  });
  afterAll(async () => {
    release();
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await feeds?.close();
    await smtp?.close();
    await database?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('share the schedule, sessions, forms, limits and pages, and reap a killed worker', async () => {
    const configFile = path.join(folder, 'ambassador.config.yaml');
    writeFileSync(
      configFile,
      [
        'program:',
        '  baseUrl: http://127.0.0.1:9',
        'web:',
        `  signInRateLimit: { max: ${SIGN_IN_MAX}, windowMinutes: 15 }`,
        'notifications:',
        `  email: { smtpUrl: "${smtp.url}", from: "program@example.org" }`,
        'sources:',
        "  http: { allowPrivateAddresses: ['127.0.0.1/32'] }",
        '  github: { enabled: false }',
        '  stackexchange: { enabled: false }',
        '  discourse: { enabled: false }',
        '  packagist: { enabled: false }',
        '  ical: { enabled: false }',
        '',
      ].join('\n'),
    );
    const env = {
      DATABASE_URL: database.url,
      AMBASSADOR_CONFIG: configFile,
      AMBASSADOR_SYNC_INTERVAL_SECONDS: '3',
      AMBASSADOR_HEARTBEAT_SECONDS: '1',
      AMBASSADOR_STOP_GRACE_SECONDS: '2',
    };
    const migrated = await runCli(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    const store = await openStore({ databaseUrl: database.url, maxConnections: 2 });
    try {
      const jane = await addMember(store.db, { handle: 'jane', name: 'Jane Blogger', email: 'jane@example.org', joinedAt: '2026-01-10' }, 'test');
      await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/blog/feed` }, { verified: true }, 'test');
    } finally {
      await store.close();
    }

    const [a, b, w] = await Promise.all([
      startProcess(['serve', '--port', '0', '--host', '127.0.0.1'], env),
      startProcess(['serve', '--port', '0', '--host', '127.0.0.1', '--no-worker'], env),
      startProcess(['worker'], env),
    ]);
    processes.push(a!, b!, w!);
    await w!.waitFor(/worker .* is running/);

    // A form made on A (its CSRF cookie and token) is accepted by B: one secret for both.
    const visitor: Browser = { cookies: new Map() };
    const form = await request(visitor, `${a!.url}/sign-in`);
    const csrf = csrfOf(form.body);
    const asked = await request(visitor, `${b!.url}/sign-in`, { method: 'POST', form: { _csrf: csrf, email: 'jane@example.org' } });
    expect(asked.status, asked.body.slice(0, 500)).toBe(200);
    const mail = await smtp.waitFor((m) => m.to.includes('jane@example.org') && /sign-in\/link\?token=/.test(m.text), 60_000);
    const token = /sign-in\/link\?token=([\w-]+)/.exec(mail.text)![1]!;

    // The link opened on B, confirmed on A; the session works on B.
    const confirm = await request(visitor, `${b!.url}/sign-in/link?token=${token}`);
    expect(confirm.status).toBe(200);
    const signedIn = await request(visitor, `${a!.url}/sign-in/link`, { method: 'POST', form: { _csrf: csrfOf(confirm.body), token, next: '/me' } });
    expect(signedIn.status).toBe(303);
    expect(visitor.cookies.has('amb_session')).toBe(true);
    const dashboard = await request(visitor, `${b!.url}/me`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('Jane Blogger');

    // The sign-in limit is counted once for both: the first request above and three more
    // are allowed, whichever instance takes them; the next is refused on either.
    const stranger: Browser = { cookies: new Map() };
    const strangerCsrf = csrfOf((await request(stranger, `${a!.url}/sign-in`)).body);
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_MAX; i += 1) {
      const instance = i % 2 === 0 ? a! : b!;
      statuses.push((await request(stranger, `${instance.url}/sign-in`, { method: 'POST', form: { _csrf: strangerCsrf, email: 'jane@example.org' } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await request(stranger, `${a!.url}/sign-in`, { method: 'POST', form: { _csrf: strangerCsrf, email: 'jane@example.org' } })).status).toBe(429);

    // A page cached on A is fresh after a sign-up through B.
    const anonymous: Browser = { cookies: new Map() };
    await request(anonymous, `${a!.url}/leaderboard`);
    expect((await request(anonymous, `${a!.url}/leaderboard`)).headers.get('x-cache')).toBe('hit');
    const joiner: Browser = { cookies: new Map() };
    const joinForm = await request(joiner, `${b!.url}/join`);
    const joined = await request(joiner, `${b!.url}/join`, {
      method: 'POST',
      form: { _csrf: csrfOf(joinForm.body), name: 'Nova Newcomer', handle: 'nova', email: 'nova@example.org', consentTracking: 'yes', consentPublic: 'yes' },
    });
    expect(joined.status, joined.body.slice(0, 500)).toBe(200);
    await until(async () => (await request(anonymous, `${a!.url}/leaderboard`)).headers.get('x-cache') !== 'hit');

    // Each tick of the schedule runs once, across the two processes that run jobs.
    const all = [a!, b!, w!];
    await until(async () => new Set(logLines(all).filter((l) => l.msg === 'sync finished' && l.trigger === 'schedule').map((l) => l.tick)).size >= 3);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const started = logLines(all).filter((l) => l.msg === 'sync started');
      const perTick = new Map<string, number>();
      for (const line of started) perTick.set(`${line.source}@${line.tick}`, (perTick.get(`${line.source}@${line.tick}`) ?? 0) + 1);
      expect([...perTick.values()].every((count) => count === 1), JSON.stringify([...perTick])).toBe(true);
      expect(logLines([b!]).filter((l) => l.msg === 'sync started')).toEqual([]);
      const runs = await admin.query<{ n: number }>(`select count(*)::int as n from sync_runs where source = 'feeds'`);
      // Every run record belongs to one logged start (a run may be starting right now).
      const startedNow = logLines(all).filter((l) => l.msg === 'sync started').length;
      expect(runs.rows[0]!.n).toBeGreaterThanOrEqual(started.length);
      expect(runs.rows[0]!.n).toBeLessThanOrEqual(startedNow);

      // A worker killed in the middle of a run: the feed answers only after the kill.
      slow = new Promise<void>((resolve) => (release = resolve));
      const claim = await until(async () => {
        const rows = await admin.query<{ job_id: string; pid: number; instance_id: string }>(
          `select c.job_id, p.pid, c.instance_id from job_claims c join process_instances p on p.id = c.instance_id where c.queue = 'sync'`,
        );
        return rows.rows[0];
      });
      const victim = all.find((p) => p.child.pid === claim.pid)!;
      expect(victim).toBeDefined();
      victim.child.kill('SIGKILL');
      await victim.exited;
      slow = null;
      release();
      const survivor = victim === w! ? a! : w!;
      await until(async () => {
        const job = await admin.query<{ state: string }>(`select state from ambassador_jobs.job where id = $1`, [claim.job_id]);
        return job.rows[0]?.state === 'completed';
      });
      const failed = await admin.query<{ error: string }>(`select error from sync_runs where status = 'failed'`);
      expect(failed.rows).toEqual([{ error: expect.stringContaining('stopped before the run finished') }]);
      const stuck = await admin.query(`select id from sync_runs where status = 'running' and started_at < now() - interval '30 seconds'`);
      expect(stuck.rows).toEqual([]);
      expect(survivor.output()).toMatch(/reaped a job of a dead instance/);
      const instances = await admin.query<{ id: string }>(`select id from process_instances`);
      expect(instances.rows.map((r) => r.id)).not.toContain(claim.instance_id);
    } finally {
      await admin.end();
    }
  }, 300_000);
});
