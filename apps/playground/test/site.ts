/**
 * The built site (dist/) served on 127.0.0.1, with or without the COOP/COEP headers, and opened in
 * Debian's Chromium through playwright-core (the launch flags of @ig/browser-harness).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '@ig/browser-harness';

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

export const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** A static file server for dist/, as any host would serve the built site. */
export function serveSite(isolated: boolean, directory = DIST): Promise<Server> {
  const root = normalize(directory);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = normalize(join(root, decodeURIComponent(path.endsWith('/') ? `${path}index.html` : path)));
    if (!file.startsWith(root + (root.endsWith(sep) ? '' : sep)) && file !== root) return void response.writeHead(403).end();
    if (!existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
    const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (isolated) Object.assign(headers, ISOLATION_HEADERS);
    response.writeHead(200, headers).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export interface Site {
  readonly origin: string;
  readonly context: BrowserContext;
  open(query: string): Promise<Page>;
  close(): Promise<void>;
}

export async function openSite(options: { isolated: boolean; webgpu?: boolean; directory?: string }): Promise<Site> {
  const directory = options.directory ?? DIST;
  if (!existsSync(join(directory, 'index.html'))) throw new Error(`${directory}index.html is missing: run 'pnpm --filter @ig/playground build' first`);
  const server = await serveSite(options.isolated, directory);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: ChromiumSession | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    server.close();
  };
  try {
    browser = await launchChromium({ webgpu: options.webgpu === true, viewport: { width: 1200, height: 1100 } });
    const { context } = browser;
    return {
      origin,
      context,
      open: async (query) => {
        const page = await context.newPage();
        await page.goto(`${origin}/${query}`);
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
