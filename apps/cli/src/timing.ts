import type { LoadedModel } from './load-model.js';
import type { EngineStats } from './onnx-module.js';

/** Where a run's wall time went, in seconds. */
export interface TimeBreakdown {
  /** From the process start to the command: Node's start-up and loading the CLI's modules. */
  readonly startSeconds: number;
  /** Reading the model, loading its engine, decoding, checking and hashing it (less the sessions created meanwhile). */
  readonly loadSeconds: number;
  /** Gradient and fused graphs: shape inference or probing, building, reading and writing the cache. */
  readonly buildSeconds: number;
  /** Creating onnxruntime sessions. */
  readonly sessionSeconds: number;
  /** Running the model and its gradient graphs. */
  readonly computeSeconds: number;
  /** The rest: preparing inputs, the quadrature on the CLI's side, writing outputs. */
  readonly otherSeconds: number;
  readonly totalSeconds: number;
  /** Graph cache use (ONNX): the folder, entries read, graphs built and stored. */
  readonly cache?: { readonly dir: string | null; readonly hits: number; readonly misses: number };
  /** onnxruntime sessions created (ONNX), by kind; a probe is a run of the model to learn its shapes. */
  readonly sessions?: Sessions;
}

type Sessions = EngineStats['sessions'];
const NO_SESSIONS: Sessions = { forward: 0, gradient: 0, fused: 0, probe: 0 };

type Phases = EngineStats['seconds'];

const ZERO: Phases = { load: 0, build: 0, session: 0, compute: 0 };
const now = (): number => performance.now() / 1000;

function snapshot(model: LoadedModel): Phases & { hits: number; misses: number; sessions: Sessions } {
  const stats = model.stats;
  return { ...(stats?.seconds ?? ZERO), hits: stats?.cache.hits ?? 0, misses: stats?.cache.misses ?? 0, sessions: { ...(stats?.sessions ?? NO_SESSIONS) } };
}

const sessionsSince = (after: Sessions, before: Sessions): Sessions => ({
  forward: after.forward - before.forward,
  gradient: after.gradient - before.gradient,
  fused: after.fused - before.fused,
  probe: after.probe - before.probe,
});

/**
 * Times one command: `loaded(model)` after the model is loaded, `finish()` at the end. Engine
 * phases come from the engine's own stats (ONNX); an engine without them counts its run as compute.
 */
export function startTiming(): { loaded(model: LoadedModel): void; finish(model: LoadedModel, from?: 'process' | 'load'): TimeBreakdown } {
  const commandStart = now();
  let loadedAt = commandStart;
  let atLoad = { ...ZERO, hits: 0, misses: 0, sessions: NO_SESSIONS };
  return {
    loaded(model) {
      loadedAt = now();
      atLoad = snapshot(model);
    },
    finish(model, from = 'process') {
      const end = now();
      const after = snapshot(model);
      const engine = model.stats !== undefined;
      const loadSeconds = from === 'process' ? loadedAt - commandStart - atLoad.build - atLoad.session : 0;
      const since = from === 'process' ? ZERO : atLoad;
      const buildSeconds = after.build - since.build;
      const sessionSeconds = after.session - since.session;
      const computeSeconds = engine ? after.compute - since.compute : end - loadedAt;
      const startSeconds = from === 'process' ? commandStart : 0;
      const totalSeconds = from === 'process' ? end : end - loadedAt;
      const otherSeconds = Math.max(0, totalSeconds - startSeconds - loadSeconds - buildSeconds - sessionSeconds - computeSeconds);
      return {
        startSeconds,
        loadSeconds,
        buildSeconds,
        sessionSeconds,
        computeSeconds,
        otherSeconds,
        totalSeconds,
        ...(engine
          ? {
              cache: {
                dir: model.cacheDir ?? null,
                hits: after.hits - (from === 'process' ? 0 : atLoad.hits),
                misses: after.misses - (from === 'process' ? 0 : atLoad.misses),
              },
              sessions: from === 'process' ? after.sessions : sessionsSince(after.sessions, atLoad.sessions),
            }
          : {}),
      };
    },
  };
}

const s = (x: number): string => `${x.toFixed(2)} s`;

/** One line for --verbose. */
export function timeLine(time: TimeBreakdown): string {
  const cache = time.cache ? `; graph cache ${time.cache.dir ?? 'off'}: ${time.cache.hits} read, ${time.cache.misses} built` : '';
  return `time: start ${s(time.startSeconds)}, load ${s(time.loadSeconds)}, build ${s(time.buildSeconds)}, sessions ${s(time.sessionSeconds)}, compute ${s(time.computeSeconds)}, other ${s(time.otherSeconds)}, total ${s(time.totalSeconds)}${cache}`;
}
