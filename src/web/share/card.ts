// Share cards: the 1200x630 PNG a link preview shows (OpenGraph), drawn on the server with
// satori (layout to SVG) and resvg (SVG to PNG) in the shipped fonts. A card depends only on
// what it shows, so the same words give the same image: cards are cached in memory by a hash
// of their content (each instance computes the same bytes) and served with that hash as ETag.
import { createHash } from 'node:crypto';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import { loadFonts } from './fonts.js';

export interface ShareCard {
  /** Small line above the headline: "Ambassador Awards 2025". */
  eyebrow: string;
  /** The person's name. */
  headline: string;
  /** "Top Ambassador 2025, rank 1" or "Active Magento Ambassador". */
  title: string;
  /** A sentence or two under the title (cut to fit). */
  body: string;
  /** Bottom line: the program and its address. */
  footer: string;
  /** Accent colour of the card's band. */
  accent: string;
}

export interface RenderedCard {
  png: Buffer;
  etag: string;
}

type Node = { type: string; props: { style?: Record<string, unknown>; children?: (Node | string)[] | Node | string } };

function h(type: string, style: Record<string, unknown>, ...children: (Node | string)[]): Node {
  return { type, props: { style, children } };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function layout(card: ShareCard): Node {
  return h(
    'div',
    { display: 'flex', flexDirection: 'column', width: '100%', height: '100%', background: '#0f172a', color: '#f8fafc', fontFamily: 'Inter', padding: '0' },
    h('div', { display: 'flex', height: '18px', width: '100%', background: card.accent }),
    h(
      'div',
      { display: 'flex', flexDirection: 'column', flexGrow: 1, padding: '56px 72px 48px' },
      h('div', { display: 'flex', fontSize: '30px', color: '#fdba74', fontWeight: 700, letterSpacing: '1px' }, clip(card.eyebrow, 60)),
      h('div', { display: 'flex', fontSize: '76px', fontWeight: 700, marginTop: '28px', lineHeight: 1.05 }, clip(card.headline, 40)),
      h('div', { display: 'flex', fontSize: '40px', marginTop: '18px', color: '#e2e8f0' }, clip(card.title, 60)),
      h('div', { display: 'flex', fontSize: '26px', marginTop: '30px', color: '#cbd5e1', lineHeight: 1.4 }, clip(card.body, 190)),
      h('div', { display: 'flex', flexGrow: 1 }),
      h('div', { display: 'flex', fontSize: '24px', color: '#94a3b8' }, clip(card.footer, 90)),
    ),
  );
}

const cache = new Map<string, RenderedCard>();
const CACHE_LIMIT = 200;

export function cardEtag(card: ShareCard): string {
  return `"card-${createHash('sha256').update(JSON.stringify(card)).digest('base64url').slice(0, 27)}"`;
}

export async function renderShareCard(card: ShareCard): Promise<RenderedCard> {
  const etag = cardEtag(card);
  const hit = cache.get(etag);
  if (hit) {
    cache.delete(etag);
    cache.set(etag, hit);
    return hit;
  }
  const fonts = loadFonts();
  const svg = await satori(layout(card) as unknown as Parameters<typeof satori>[0], {
    width: 1200,
    height: 630,
    fonts: [
      { name: 'Inter', data: fonts.regular, weight: 400, style: 'normal' },
      { name: 'Inter', data: fonts.bold, weight: 700, style: 'normal' },
    ],
  });
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 1200 } }).render().asPng();
  const rendered = { png, etag };
  cache.set(etag, rendered);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return rendered;
}

/** A small PNG of an SVG (the favicon and touch icon from assets/icon.svg). */
export function svgToPng(svg: string | Buffer, size: number): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}
