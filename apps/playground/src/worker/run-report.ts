/** The report every run ends with: the completeness figures of its path and how it ran. */
import type { PathReport } from '@ig/core';
import type { Algorithm, EngineId, RunReport } from '../protocol.js';
import { ortThreads } from './ort-engine.js';
import type { RankedClass } from './probabilities.js';

export interface RunFacts {
  readonly model: string;
  readonly engine: EngineId;
  readonly backend: string;
  readonly algorithm: Algorithm;
  readonly method: string;
  readonly target: number;
  /** performance.now() when the run started. */
  readonly started: number;
  /** The classes by probability; empty where the model has one output, `value`. */
  readonly ranked: readonly RankedClass[];
  readonly value?: number;
  readonly warnings: readonly string[];
}

export function runReport(path: Pick<PathReport, 'fInput' | 'fBaseline' | 'delta' | 'relativeError' | 'steps'>, facts: RunFacts): RunReport {
  return {
    model: facts.model,
    target: facts.target,
    fInput: path.fInput,
    fBaseline: path.fBaseline,
    delta: path.delta,
    relativeError: path.relativeError,
    steps: path.steps,
    engine: facts.engine,
    backend: facts.backend,
    algorithm: facts.algorithm,
    method: facts.method,
    seconds: (performance.now() - facts.started) / 1000,
    threads: facts.engine === 'ort-wasm' ? ortThreads() : 1,
    crossOriginIsolated: self.crossOriginIsolated,
    top5: facts.ranked.slice(0, 5),
    ...(facts.value === undefined ? {} : { value: facts.value }),
    classes: facts.value === undefined ? facts.ranked.length : 1,
    warnings: facts.warnings,
  };
}
