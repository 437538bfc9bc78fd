/** Messages between the page and the worker that computes the attributions. */

export type EngineId = 'tfjs-webgl' | 'tfjs-webgpu' | 'tfjs-wasm' | 'tfjs-cpu' | 'ort-wasm' | 'ort-webgpu';

/**
 * A model the worker can load: bundled (by URL) or dropped by the user (bytes). `key` names these
 * bytes: the worker reuses a loaded model only for the same key (a second drop of a file with the
 * same name is another model), `name` is what messages and the report call it.
 */
export type ModelSource =
  | { readonly format: 'onnx'; readonly key: string; readonly name: string; readonly bytes: ArrayBuffer }
  | {
      readonly format: 'tfjs-layers';
      readonly key: string;
      readonly name: string;
      readonly modelJson: string;
      readonly weights: readonly { readonly name: string; readonly bytes: ArrayBuffer }[];
    };

export interface PlainTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export type Algorithm = 'integrated-gradients' | 'smoothgrad' | 'smoothgrad-squared' | 'vargrad';

export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly model: ModelSource;
  readonly engine: EngineId;
  readonly input: PlainTensor;
  readonly baseline: BaselineKind;
  /** A class index, or null for the predicted class. */
  readonly target: number | null;
  readonly steps: number | 'auto';
  readonly method: string;
  readonly algorithm: Algorithm;
  /** The output to explain, by name (an ONNX graph output's, a tfjs output layer's); undefined for a model's only output. */
  readonly output?: string;
}

/** A text classifier (ONNX, int64 token ids): the worker tokenizes the text and attributes at the embedding. */
export interface TextRunRequest {
  readonly type: 'run-text';
  readonly id: number;
  readonly model: Extract<ModelSource, { format: 'onnx' }>;
  /** The tokenizer.json text (@huggingface/tokenizers), with or without "truncation" and "padding". */
  readonly tokenizer: string;
  readonly text: string;
  readonly engine: EngineId;
  /** A class index, or null for the predicted class. */
  readonly target: number | null;
  readonly steps: number | 'auto';
  readonly method: string;
}

/** What the page sends to start a run (the runner adds `id`). */
export type RunMessage = Omit<RunRequest, 'id'> | Omit<TextRunRequest, 'id'>;

export type ToWorker = RunRequest | TextRunRequest | { readonly type: 'cancel'; readonly id: number } | { readonly type: 'probe' };

export interface EngineAvailability {
  readonly engine: EngineId;
  readonly available: boolean;
  /** Why it is not available, or what it runs with (threads, SIMD). */
  readonly note: string;
}

export interface RunReport {
  readonly model: string;
  readonly target: number;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly delta: number;
  readonly relativeError: number;
  readonly steps: number;
  readonly engine: string;
  readonly backend: string;
  readonly algorithm: Algorithm;
  readonly method: string;
  readonly seconds: number;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  /** The classes by probability; empty for a model with one output (a softmax of one value is 1), whose value is `value`. */
  readonly top5: readonly { readonly index: number; readonly probability: number }[];
  /** A model with one output (a regression, a sigmoid): that output at the input. */
  readonly value?: number;
  /** The explained output's number of classes. */
  readonly classes: number;
  readonly warnings: readonly string[];
  /** Text models: the tokens the model saw (no padding) and one attribution per token, Σ over the embedding. */
  readonly tokens?: readonly string[];
  readonly tokenAttributions?: readonly number[];
  /** Text models: the attributed tensor (the embedding output) and the baseline's token id (the pad id). */
  readonly layer?: string;
  readonly baselineId?: number;
}

export type FromWorker =
  | { readonly type: 'engines'; readonly engines: readonly EngineAvailability[] }
  | { readonly type: 'stage'; readonly id: number; readonly stage: string }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly id: number; readonly report: RunReport; readonly attributions: Float32Array; readonly shape: readonly number[] }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly name: string; readonly message: string };

/** Constant baselines: zeros, the input's minimum (black after normalization) or its mean. */
export type BaselineKind = 'zero' | 'min' | 'mean';
