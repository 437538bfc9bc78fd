import type { GradientBackend } from '@ig/core';
import type { GraphCache } from '../cache/graph-cache.js';
import type { ContextInputs } from './context.js';
import type { OrtSessionOptionsLike } from './ort.js';
import type { ExecutionProvider, OnnxBackendStats } from './session.js';

export interface OnnxBackendOptions {
  /** Tried in order; the first that creates a session is used for everything. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** The output to explain; default the first graph output. */
  readonly output?: string;
  /**
   * Extra session options (threads, logging); execution providers are set from the list above.
   * Sessions log at severity 4 (fatal only) unless `logSeverityLevel` is given: onnxruntime's own
   * warnings, such as "Initializer appears in graph inputs" of older exports, stay off; set
   * `logSeverityLevel: 2` (warnings) or lower to see them.
   */
  readonly sessionOptions?: Omit<OrtSessionOptionsLike, 'executionProviders'>;
  /** Use a fused path graph for `integrate` (one run per segment); default true. */
  readonly fused?: boolean;
  /** The inputs to attribute; default every float input not given in `context`. */
  readonly inputs?: readonly string[];
  /**
   * Values of the inputs that are not attributed (token ids, attention masks, token type ids, a
   * float mask): one row fed with every path point, or one row per example, fed with the points
   * of its example (see ContextTensor).
   */
  readonly context?: ContextInputs;
  /**
   * Path points per gradient or fused run. The backend builds one gradient session and one fused
   * session per input shape for its whole life, for this many points: larger calls run in several
   * runs, smaller ones are padded. Default: the number of points of the first call (the batch
   * size the core uses). Ignored for a model with a fixed batch size, which sets it.
   */
  readonly pointsPerRun?: number;
  /** Where built graphs are kept across processes (see `fileGraphCache` in `@ig/onnx/node`); default none. */
  readonly graphCache?: GraphCache;
  /** Receives warnings (an unusable cache entry, rebuilt); default none: the library prints nothing. */
  readonly onWarning?: (message: string) => void;
}

export interface OnnxBackend extends GradientBackend {
  /** The execution provider that loaded, e.g. `cpu`, `cuda`, `wasm`, `webgpu`. */
  readonly executionProvider: string;
  readonly inputNames: readonly string[];
  readonly outputName: string;
  /** Time spent so far by phase, sessions created, cache use. Live: read it after a call. */
  readonly stats: OnnxBackendStats;
  /**
   * The same model, sessions and graphs fed other context values (each input's, as `context`
   * takes them, of the same ranks): for items that bring their own mask or length, without a
   * session per item. Disposing the returned backend does nothing; dispose this one when done.
   */
  withContext(context: ContextInputs): OnnxBackend;
}
