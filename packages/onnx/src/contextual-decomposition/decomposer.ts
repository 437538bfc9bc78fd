import type { ContextualDecomposition } from '@ig/core';
import { ShapeMismatchError } from '@ig/core';
import type { onnx } from '../proto/generated/onnx.js';
import { encodeModel } from '../proto/model-io.js';
import { RuntimeError } from '../errors.js';
import { ContextInputError, contextFeeds, resolveContext, type ContextInputs } from '../runtime/context.js';
import type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike, OrtTensorLike } from '../runtime/ort.js';
import { buildContextualDecompositionModel, type ContextualDecompositionModel, type ContextualDecompositionModelOptions } from './rewrite.js';

export interface OnnxContextualDecomposition extends ContextualDecomposition {
  readonly graph: ContextualDecompositionModel;
  dispose(): Promise<void>;
}

export interface OnnxContextualDecompositionOptions extends ContextualDecompositionModelOptions {
  readonly sessionOptions?: OrtSessionOptionsLike;
  /**
   * One example's values of the inputs that are not decomposed (`[1, …]`, fed with every mask),
   * such as the attention mask of a model cut at its embedding output.
   */
  readonly context?: ContextInputs;
}

function floats(tensor: OrtTensorLike | undefined, what: string): Float32Array {
  if (!tensor || !(tensor.data instanceof Float32Array)) throw new RuntimeError(`the runtime returned no float32 ${what}`);
  return tensor.data;
}

/**
 * Contextual decomposition of an ONNX model on an onnxruntime module: the rewritten graph (see
 * buildContextualDecompositionModel) run on (m ⊙ x, (1 − m) ⊙ x) for a batch of masks m. A model
 * with a fixed batch size takes that many masks per run.
 */
export async function createContextualDecomposition(
  ort: OrtModuleLike,
  runtimeName: string,
  source: onnx.IModelProto | Uint8Array,
  options: OnnxContextualDecompositionOptions = {},
): Promise<OnnxContextualDecomposition> {
  const graph = buildContextualDecompositionModel(source, options);
  const context = resolveContext(graph.model.graph as onnx.GraphProto, [graph.inputs.relevant, graph.inputs.irrelevant], options.context ?? {});
  for (const { name, tensor } of context) {
    if (tensor.shape[0] !== 1) throw new ContextInputError(name, `a decomposition explains one example: give one row, got shape [${tensor.shape.join(', ')}]`);
  }
  let session: OrtSessionLike;
  try {
    // logSeverityLevel 4 (QUIET_LOG_SEVERITY): quiet unless the caller's sessionOptions lower it
    session = await ort.InferenceSession.create(encodeModel(graph.model), {
      logSeverityLevel: 4,
      ...(options.sessionOptions ?? { executionProviders: ['cpu'] }),
    });
  } catch (error) {
    throw new RuntimeError(`${runtimeName} could not load the contextual-decomposition graph`, [error]);
  }
  // The batch a run takes: the smallest fixed first axis of the parts and the context inputs
  // (a model cut at its embedding may leave the cut tensor's batch open but the mask's fixed).
  const fed = new Set([graph.inputs.relevant, graph.inputs.irrelevant, ...graph.context]);
  const capacity = (graph.model.graph?.input ?? [])
    .filter((v) => fed.has(v.name ?? ''))
    .map((v) => v.type?.tensorType?.shape?.dim?.[0])
    .reduce((least, dim) => (dim && !dim.dimParam && Number(dim.dimValue) > 0 ? Math.min(least, Number(dim.dimValue)) : least), Number.POSITIVE_INFINITY);

  const decompose = async (
    input: Float32Array,
    pointShape: readonly number[],
    masks: Float32Array,
    count: number,
  ): Promise<{ relevant: Float32Array; irrelevant: Float32Array }> => {
    const size = input.length;
    if (masks.length !== count * size) throw new ShapeMismatchError(`${count} masks need ${count * size} values, got ${masks.length}`);
    const chunk = Number.isFinite(capacity) ? capacity : count;
    const relevantParts: Float32Array[] = [];
    const irrelevantParts: Float32Array[] = [];
    for (let from = 0; from < count; from += chunk) {
      const n = Math.min(chunk, count - from);
      // A fixed-batch model gets a full batch; the padding rows (all irrelevant) are dropped.
      const rows = Number.isFinite(capacity) ? chunk : n;
      const rel = new Float32Array(rows * size);
      const irrel = new Float32Array(rows * size);
      for (let k = 0; k < rows; k++) {
        for (let f = 0; f < size; f++) {
          const m = k < n ? (masks[(from + k) * size + f] as number) : 0;
          const v = input[f] as number;
          rel[k * size + f] = m * v;
          irrel[k * size + f] = (1 - m) * v;
        }
      }
      let result: Record<string, OrtTensorLike>;
      try {
        result = await session.run({
          [graph.inputs.relevant]: new ort.Tensor('float32', rel, [rows, ...pointShape]),
          [graph.inputs.irrelevant]: new ort.Tensor('float32', irrel, [rows, ...pointShape]),
          ...contextFeeds(ort, context, rows, undefined),
        });
      } catch (error) {
        throw new RuntimeError(`${runtimeName} failed to run the contextual-decomposition graph`, [error]);
      }
      const r = floats(result[graph.outputs.relevant], 'relevant output');
      const i = floats(result[graph.outputs.irrelevant], 'irrelevant output');
      const outputSize = r.length / rows;
      relevantParts.push(r.slice(0, n * outputSize));
      irrelevantParts.push(i.slice(0, n * outputSize));
    }
    const join = (parts: Float32Array[]): Float32Array => {
      const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        out.set(p, offset);
        offset += p.length;
      }
      return out;
    };
    return { relevant: join(relevantParts), irrelevant: join(irrelevantParts) };
  };

  return {
    name: `${runtimeName} contextual decomposition`,
    graph,
    decompose,
    dispose: async () => {
      await session.release?.();
    },
  };
}
