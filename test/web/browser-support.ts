// What the browser tests share: a free loopback port and Debian's Chromium launched headless
// with the flags this machine needs, each in its own profile folder (removed by the caller).
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function launchChromium(dirs: string[], viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ambassador-chromium-'));
  dirs.push(dir);
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport,
  });
}
