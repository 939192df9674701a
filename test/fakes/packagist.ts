// A loopback Packagist: /packages/list.json?vendor= and composer v2 metadata /p2/{name}.json in
// the minified format the real server sends (newest version first, later entries hold only the
// fields that changed, '__unset' for removed keys).

import { startFakeServer, type FakeReply, type FakeServer } from './server.js';

export interface FakePackage {
  name: string;
  /** Full version objects, newest first; the fake minifies them. */
  versions: Record<string, unknown>[];
}

export function minify(versions: Record<string, unknown>[]): Record<string, unknown>[] {
  let previous: Record<string, unknown> | null = null;
  return versions.map((version) => {
    if (!previous) {
      previous = version;
      return version;
    }
    const diff: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(version)) if (JSON.stringify(previous[key]) !== JSON.stringify(value)) diff[key] = value;
    for (const key of Object.keys(previous)) if (!(key in version)) diff[key] = '__unset';
    previous = version;
    return diff;
  });
}

export async function startFakePackagist(packages: FakePackage[]): Promise<FakeServer & { packages: FakePackage[] }> {
  const server = await startFakeServer((req): FakeReply => {
    if (req.path === '/packages/list.json') {
      const vendor = req.query.get('vendor') ?? '';
      return { json: { packageNames: packages.filter((p) => p.name.startsWith(`${vendor}/`)).map((p) => p.name) } };
    }
    const match = /^\/p2\/([^/]+\/[^/]+)\.json$/.exec(req.path);
    const pkg = match && packages.find((p) => p.name === match[1]);
    if (!pkg) return { status: 404, body: '<html><body>404 Not Found</body></html>', headers: { 'content-type': 'text/html' } };
    return { json: { packages: { [pkg.name]: minify(pkg.versions) }, minified: 'composer/2.0' }, gzip: true, headers: { 'last-modified': 'Mon, 12 Jan 2026 10:00:00 GMT' } };
  });
  return Object.assign(server, { packages });
}

/** What Packagist sends as version_normalized: four numbers, -p1/-pl as -patch1/-patch, RC upper case. */
export function normalizedVersion(v: string): string {
  const match = /^(\d+\.\d+\.\d+)(?:-(p|pl|patch|beta|rc|alpha)(\d*))?$/i.exec(v);
  if (!match) return v;
  const base = `${match[1]}.0`;
  if (!match[2]) return base;
  const modifier = match[2].toLowerCase();
  const name = modifier === 'p' || modifier === 'pl' || modifier === 'patch' ? 'patch' : modifier === 'rc' ? 'RC' : modifier;
  return `${base}-${name}${match[3] ?? ''}`;
}

export const version = (name: string, v: string, time: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: 'Magento 2 module',
  keywords: ['magento'],
  homepage: 'https://example.com',
  version: v,
  version_normalized: normalizedVersion(v),
  license: ['MIT'],
  authors: [{ name: 'Jane' }],
  source: { url: `https://github.com/${name}.git`, type: 'git', reference: 'abc' },
  dist: { url: `https://api.github.com/repos/${name}/zipball/abc`, type: 'zip', shasum: '', reference: 'abc' },
  type: 'magento2-module',
  time,
  autoload: { files: ['registration.php'], 'psr-4': { 'Vendor\\Module\\': '' } },
  require: { php: '^8.1', 'magento/framework': '^103.0' },
  ...extra,
});
