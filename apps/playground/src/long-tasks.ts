/** Records the page's long tasks (main thread busy > 50 ms), so tests can check it stays responsive. */

declare global {
  interface Window {
    igLongTasks?: { readonly start: number; readonly duration: number }[];
  }
}

export function watchLongTasks(): void {
  const tasks: { start: number; duration: number }[] = [];
  window.igLongTasks = tasks;
  if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) return;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}
