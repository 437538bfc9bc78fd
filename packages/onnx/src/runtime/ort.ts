/**
 * The parts of the onnxruntime JavaScript API this package uses, so that the runtime-agnostic
 * entry point works with onnxruntime-node, onnxruntime-web, or anything shaped like them.
 */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release?(): Promise<void>;
}

export interface OrtSessionOptionsLike {
  executionProviders?: readonly (string | { readonly name: string })[];
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  [option: string]: unknown;
}

export interface OrtModuleLike {
  /** onnxruntime's environment; `versions.common` names the runtime's version. */
  readonly env?: { readonly versions?: { readonly common?: string } };
  readonly InferenceSession: {
    create(model: Uint8Array, options?: OrtSessionOptionsLike): Promise<OrtSessionLike>;
  };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;
}

/** ONNX TensorProto.DataType for an onnxruntime tensor type string. */
export const ORT_TYPE_TO_ONNX: Readonly<Record<string, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

/**
 * onnxruntime logs failed kernels itself, in colour, on stderr, before the error reaches the
 * caller; every such message is also in the error the library throws (a RuntimeError). Sessions
 * are therefore created at severity 4 (fatal) unless the caller sets `logSeverityLevel`.
 */
export const QUIET_LOG_SEVERITY = 4;

export function quietSessionOptions<T extends object>(options: T | undefined): T & { logSeverityLevel: number } {
  return { logSeverityLevel: QUIET_LOG_SEVERITY, ...(options ?? ({} as T)) };
}
