/** Threads for wasm: up to 8 from navigator.hardwareConcurrency where the page is cross-origin isolated (SharedArrayBuffer), else 1. */
export function threadCount(): number {
  return self.crossOriginIsolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)) : 1;
}
