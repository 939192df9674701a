import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/sources/http.js';
import { verifyGithub, verifySite, verifyStackExchange } from '../../src/sources/verification.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github.js';
import { fakeClock, startFakeServer, type FakeServer } from '../fakes/server.js';
import { startFakeStackExchange, type FakeStackExchange } from '../fakes/stackexchange.js';

const CODE = 'mage-amb-7f3k9q';
let github: FakeGithub;
let se: FakeStackExchange;
let site: FakeServer;
beforeAll(async () => {
  github = await startFakeGithub({
    repos: {},
    users: { alice: { bio: `Magento dev. ${CODE}` }, bob: { bio: null }, carol: { bio: 'nothing here' } },
    gists: { bob: [{ id: 'g1', description: 'verification', files: { 'proof.txt': `my code: ${CODE}\n` } }], carol: [] },
  });
  se = await startFakeStackExchange({ answers: [], users: { 42: { displayName: 'Jane', aboutMe: `<p>Hi! ${CODE}</p>` }, 43: { displayName: 'Joe', aboutMe: '<p>Hi</p>' } } });
  site = await startFakeServer((req) => {
    if (req.path === '/relme') return { body: '<html><head><link rel="me authn" href="https://ambassadors.example/members/jane/"></head></html>', headers: { 'content-type': 'text/html' } };
    if (req.path === '/meta') return { body: `<html><head><meta name="magento-ambassador-verification" content="${CODE}"></head></html>`, headers: { 'content-type': 'text/html' } };
    if (req.path === '/feed') return { body: `<rss><channel><description>${CODE}</description></channel></rss>` };
    return { body: '<html><a href="https://ambassadors.example/members/jane">me?</a></html>' };
  });
});
afterAll(async () => {
  await Promise.all([github.close(), se.close(), site.close()]);
});

const http = () => createHttpClient({ clock: fakeClock(), allowPrivateAddresses: ['127.0.0.1/32'] });

describe('verification', () => {
  it('verifies GitHub by bio or gist', async () => {
    expect(await verifyGithub(http(), { baseUrl: github.url }, 'alice', CODE)).toMatchObject({ verified: true, method: 'github-bio' });
    expect(await verifyGithub(http(), { baseUrl: github.url }, 'bob', CODE)).toMatchObject({ verified: true, method: 'github-gist' });
    expect(await verifyGithub(http(), { baseUrl: github.url }, 'carol', CODE)).toMatchObject({ verified: false });
    await expect(verifyGithub(http(), { baseUrl: github.url }, 'nobody', CODE)).rejects.toThrow(/users\/nobody: HTTP 404/);
  });

  it('verifies Stack Exchange by about_me', async () => {
    expect(await verifyStackExchange(http(), { baseUrl: `${se.url}/2.3` }, '42', CODE)).toMatchObject({ verified: true, method: 'stackexchange-about-me' });
    expect(await verifyStackExchange(http(), { baseUrl: `${se.url}/2.3` }, '43', CODE)).toMatchObject({ verified: false });
    expect(await verifyStackExchange(http(), { baseUrl: `${se.url}/2.3` }, '44', CODE)).toMatchObject({ verified: false, detail: 'no user 44 on magento' });
  });

  it('verifies sites by rel="me", meta tag or code, through the SSRF guard', async () => {
    const profile = 'https://ambassadors.example/members/jane';
    expect(await verifySite(http(), `${site.url}/relme`, CODE, profile)).toMatchObject({ verified: true, method: 'rel-me' });
    expect(await verifySite(http(), `${site.url}/meta`, CODE, profile)).toMatchObject({ verified: true, method: 'meta-tag' });
    expect(await verifySite(http(), `${site.url}/feed`, CODE, profile)).toMatchObject({ verified: true, method: 'code-in-content' });
    expect(await verifySite(http(), `${site.url}/plain`, CODE, profile)).toMatchObject({ verified: false });
    await expect(verifySite(createHttpClient({ clock: fakeClock() }), `${site.url}/relme`, CODE, profile)).rejects.toThrow(/refusing/);
  });
});
