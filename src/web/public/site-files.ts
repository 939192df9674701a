// The files a site is expected to have besides its pages: favicons drawn from assets/icon.svg
// and a sitemap of the public pages (home, lists, every ambassador outside the directory opt-out,
// every published awards year and award page).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { escapeHtml } from '../html.js';
import { assetsDir } from '../assets.js';
import type { WebContext } from '../context.js';
import { awardsInSnapshot, listSnapshots, snapshotResults } from '../../store/awards.js';
import type { Route } from '../routing.js';
import { svgToPng } from '../share/card.js';

let icons: { favicon: Buffer; touch: Buffer } | undefined;

function iconPngs() {
  if (!icons) {
    const svg = readFileSync(path.join(assetsDir(), 'icon.svg'));
    icons = { favicon: svgToPng(svg, 32), touch: svgToPng(svg, 180) };
  }
  return icons;
}

export function siteFileRoutes(context: WebContext): Route[] {
  const icon = (which: 'favicon' | 'touch') => async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.type('image/png').header('cache-control', 'public, max-age=604800').send(iconPngs()[which]);
  return [
    { method: 'GET', url: '/favicon.ico', access: 'anyone', kind: 'page', summary: 'favicon', handler: icon('favicon') },
    { method: 'GET', url: '/apple-touch-icon.png', access: 'anyone', kind: 'page', summary: 'touch icon', handler: icon('touch') },
    {
      method: 'GET',
      url: '/sitemap.xml',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'sitemap of the public pages',
      handler: async (_request, reply) => {
        const base = context.baseUrl;
        const members = await context.db
          .selectFrom('members as m')
          .leftJoin('member_settings as s', 's.member_id', 'm.id')
          .select(['m.id', 'm.handle', 'm.updated_at'])
          .where('m.state', '=', 'registered')
          .where('m.is_bot', '=', false)
          .where(sql<boolean>`coalesce(s.hide_from_directory, false)`, '=', false)
          .orderBy(sql`lower(m.handle)`)
          .execute();
        const published = (await listSnapshots(context.db)).filter((s) => s.status === 'published');
        const urls: { loc: string; lastmod?: string }[] = [
          { loc: `${base}/` },
          { loc: `${base}/ambassadors` },
          { loc: `${base}/leaderboard` },
          { loc: `${base}/awards` },
          { loc: `${base}/scoring` },
          ...members.map((m) => ({ loc: `${base}/ambassadors/${m.handle}`, lastmod: m.updated_at.toISOString().slice(0, 10) })),
        ];
        const handles = new Map(members.map((m) => [m.id, m.handle]));
        for (const snapshot of published) {
          const lastmod = snapshot.published_at?.toISOString().slice(0, 10);
          urls.push({ loc: `${base}/awards/${snapshot.year}`, lastmod });
          const results = snapshotResults(snapshot);
          const winners = new Set([...results.topAmbassadors, ...Object.values(results.categoryWinners)].flatMap((e) => (e ? [e.memberId] : [])));
          for (const id of winners) {
            const handle = handles.get(id);
            if (handle && awardsInSnapshot(snapshot, id).length) urls.push({ loc: `${base}/awards/${snapshot.year}/${handle}`, lastmod });
          }
        }
        reply.type('application/xml; charset=utf-8');
        return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
          .map((u) => `<url><loc>${escapeHtml(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`)
          .join('\n')}\n</urlset>\n`;
      },
    },
  ];
}
