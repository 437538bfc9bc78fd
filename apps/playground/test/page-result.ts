/** Reading a finished run off the page through the automation contract. */
import type { Page } from 'playwright-core';
import type { RunReport } from '../src/protocol.js';

/** The fields of the page's run report (`#ig-report`) the tests read. */
export type PageReport = Pick<
  RunReport,
  | 'model'
  | 'target'
  | 'fInput'
  | 'fBaseline'
  | 'delta'
  | 'relativeError'
  | 'steps'
  | 'engine'
  | 'backend'
  | 'seconds'
  | 'threads'
  | 'crossOriginIsolated'
  | 'top5'
  | 'value'
  | 'classes'
>;

export interface PageRun {
  readonly status: string;
  readonly error: string;
  readonly report: PageReport | null;
  readonly attributions: number[];
  readonly input: number[];
}

export async function waitForRun(page: Page, timeout = 150_000): Promise<PageRun> {
  await page.waitForFunction(() => ['done', 'error', 'cancelled'].includes(document.body.dataset.igStatus ?? ''), undefined, { timeout, polling: 100 });
  return page.evaluate(() => {
    const text = document.getElementById('ig-report')?.textContent ?? '';
    return {
      status: document.body.dataset.igStatus ?? '',
      error: document.getElementById('error')?.textContent ?? '',
      report: text === '' ? null : (JSON.parse(text) as PageReport),
      attributions: window.igResult?.attributions ?? [],
      input: window.igResult?.input ?? [],
    };
  });
}

/** Long tasks (main thread busy > 50 ms) that started at or after `since` (page time, ms). */
export function longTasksSince(page: Page, since: number): Promise<number[]> {
  return page.evaluate((t) => (window.igLongTasks ?? []).filter((task) => task.start >= t).map((task) => task.duration), since);
}

/**
 * The built site's scripts that run on the page's thread (every script the page fetched that is
 * not a worker's) and those its workers run, as file names under dist/assets.
 */
export async function scriptsByThread(page: Page): Promise<{ readonly page: string[]; readonly workers: string[] }> {
  const fileName = (url: string): string => new URL(url).pathname.split('/').pop() ?? url;
  const workers = page.workers().map((worker) => fileName(worker.url()));
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
  const scripts = fetched.filter((url) => /\.m?js$/.test(new URL(url).pathname)).map(fileName);
  return { page: scripts.filter((name) => !workers.includes(name)), workers };
}
