// GitHub's OAuth web flow on loopback, as GitHub answers it: the authorize step (a person
// approves: `approve(authorizeUrl, user)` plays their click and returns the redirect GitHub
// would send them back with), the code exchange at /login/oauth/access_token (client id and
// secret checked, each code usable once, PKCE S256 enforced when the authorize step carried a
// challenge) and GET /user with the token. People are { id, login }: the id never changes,
// the login can be renamed (`rename`) and then given to someone else.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GithubAccount {
  id: number;
  login: string;
}

interface IssuedCode {
  account: GithubAccount;
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  method: string | null;
}

export interface FakeGithubOAuth {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The config for web.github pointing at this fake. */
  settings: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string; apiUrl: string };
  /** The person approves the app: the callback URL (path and query) GitHub redirects them to. */
  approve(authorizeUrl: string, account: GithubAccount): string;
  /** GitHub renames the account (same id, new login). */
  rename(id: number, login: string): void;
  /** How the token endpoint was last called. */
  exchanges: { code: string; verifier: string | null; outcome: string }[];
  close(): Promise<void>;
}

export async function startFakeGithubOAuth(): Promise<FakeGithubOAuth> {
  const clientId = 'fake-client-id';
  const clientSecret = 'fake-client-secret';
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, number>();
  const accounts = new Map<number, GithubAccount>();
  const exchanges: FakeGithubOAuth['exchanges'] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const raw = Buffer.concat(chunks).toString('utf8');
        const form = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
        const code = String(form.code ?? '');
        const issued = codes.get(code);
        const verifier = typeof form.code_verifier === 'string' ? form.code_verifier : null;
        const fail = (error: string) => {
          exchanges.push({ code, verifier, outcome: error });
          // GitHub answers 200 with an error field.
          send(200, { error, error_description: error });
        };
        if (form.client_id !== clientId || form.client_secret !== clientSecret) return fail('incorrect_client_credentials');
        if (!issued) return fail('bad_verification_code');
        codes.delete(code);
        if (issued.challenge !== null) {
          if (!verifier) return fail('missing_code_verifier');
          const challenge = issued.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
          if (challenge !== issued.challenge) return fail('invalid_code_verifier');
        }
        const token = `gho_${randomBytes(12).toString('hex')}`;
        tokens.set(token, issued.account.id);
        exchanges.push({ code, verifier, outcome: 'ok' });
        return send(200, { access_token: token, token_type: 'bearer', scope: 'read:user' });
      }
      if (req.method === 'GET' && url.pathname === '/user') {
        const token = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
        const id = token ? tokens.get(token) : undefined;
        const account = id === undefined ? undefined : accounts.get(id);
        if (!account) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        return send(200, { login: account.login, id: account.id, node_id: `U_${account.id}`, type: 'User', site_admin: false });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    clientId,
    clientSecret,
    settings: { clientId, clientSecret, authorizeUrl: `${base}/login/oauth/authorize`, tokenUrl: `${base}/login/oauth/access_token`, apiUrl: base },
    approve(authorizeUrl, account) {
      const url = new URL(authorizeUrl);
      if (url.searchParams.get('client_id') !== clientId) throw new Error('authorize: unknown client_id');
      const current = accounts.get(account.id);
      accounts.set(account.id, current ? { ...current, login: account.login } : { ...account });
      const code = randomBytes(10).toString('hex');
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      codes.set(code, {
        account: accounts.get(account.id)!,
        clientId,
        redirectUri,
        challenge: url.searchParams.get('code_challenge'),
        method: url.searchParams.get('code_challenge_method'),
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      const state = url.searchParams.get('state');
      if (state !== null) back.searchParams.set('state', state);
      return `${back.pathname}${back.search}`;
    },
    rename(id, login) {
      const account = accounts.get(id);
      if (account) account.login = login;
    },
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
