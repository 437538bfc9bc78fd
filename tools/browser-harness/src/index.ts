/**
 * The packages' browser tests share this: a local HTTP server for a page and its files, an
 * esbuild bundle of a page entry, and Chromium (Debian's, through playwright-core) with WebGPU
 * on SwiftShader when asked for.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run; in CI (CI=true) a missing Chromium is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
  }
  console.warn(`skipping the browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

/** Bundles a page entry (TypeScript or JavaScript) and everything it imports into one ES module. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface ServeOptions {
  /** Bodies by URL path; `/` is the page. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** Directories served under URL prefixes ending in `/`, e.g. `{ '/dist/': '/abs/dist' }`. */
  readonly directories?: Readonly<Record<string, string>>;
}

function serve({ files, directories = {} }: ServeOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let body: string | Uint8Array | undefined = files[path];
    if (body === undefined) {
      for (const [prefix, directory] of Object.entries(directories)) {
        if (!path.startsWith(prefix)) continue;
        const root = normalize(directory + sep);
        const file = normalize(join(root, decodeURIComponent(path.slice(prefix.length))));
        if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
        break;
      }
    }
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[extname(path)] ?? (path.endsWith('/') ? TYPES['.html'] : 'application/octet-stream');
    response.writeHead(200, { 'content-type': type as string }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export interface OpenOptions extends ServeOptions {
  /** The URL path to open; default `/`. */
  readonly path?: string;
  /** Enables WebGPU (on SwiftShader: slow, but a real WebGPU device). */
  readonly webgpu?: boolean;
  /** A JavaScript expression to wait for after the page loaded, e.g. that the entry has run. */
  readonly ready?: string;
}

export interface BrowserSession {
  readonly page: Page;
  /** `http://127.0.0.1:<port>`, the server's origin. */
  readonly origin: string;
  close(): Promise<void>;
}

const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'];

export interface ChromiumSession {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Headless Chromium on a fresh profile, with the project's flags (and WebGPU's when asked). */
export async function launchChromium(
  options: { readonly webgpu?: boolean; readonly viewport?: { width: number; height: number } } = {},
): Promise<ChromiumSession> {
  const profile = mkdtempSync(join(tmpdir(), 'ig-chromium-'));
  const removeProfile = (): void => rmSync(profile, { recursive: true, force: true });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: options.webgpu === true ? [...ARGS, ...WEBGPU_ARGS] : ARGS,
      ...(options.viewport !== undefined ? { viewport: options.viewport } : {}),
    });
    return {
      context,
      close: async () => {
        await context.close();
        removeProfile();
      },
    };
  } catch (error) {
    removeProfile();
    throw error;
  }
}

/** Serves the files, starts headless Chromium on a fresh profile and opens the page. */
export async function openPage(options: OpenOptions): Promise<BrowserSession> {
  const server = await serve(options);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: ChromiumSession | undefined;
  const cleanUp = async (): Promise<void> => {
    await browser?.close();
    server.close();
  };
  try {
    browser = await launchChromium({ ...(options.webgpu !== undefined ? { webgpu: options.webgpu } : {}) });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${origin}${options.path ?? '/'}`);
    if (options.ready !== undefined) await page.waitForFunction(options.ready);
    return { page, origin, close: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
