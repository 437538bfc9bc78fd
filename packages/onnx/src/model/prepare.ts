import type { onnx } from '../proto/generated/onnx.js';
import { decodeModel, encodeModel } from '../proto/model-io.js';
import type { TensorFacts } from '../graph/builder.js';
import { defaultOpset, MIN_OPSET, mergeFacts, modelFacts } from '../graph/model.js';
import { upgradeToOpset11 } from './upgrade.js';
import { lowerToFloat32 } from '../graph/precision.js';
import { explicitCeilModePools } from '../runtime/ceil-mode.js';
import { UnknownShapeError } from '../errors.js';
import { assertNoExternalData } from '../proto/external-data.js';
import { dropUnusedInputs } from './input-use.js';

/** A model as given: serialized bytes or a ModelProto object. */
export type ModelData = onnx.IModelProto | Uint8Array;

/**
 * A model decoded once and made ready to differentiate: graph inputs no node reads dropped (see
 * unusedInputs), at opset 11–21 (legacy opsets 1–10 rewritten, see upgradeToOpset11), ceil-mode pools that lose a window made explicit (see
 * explicitCeilModePools), and in float32 (see lowerToFloat32). Every builder and the backend
 * take one instead of bytes, so a model is decoded and prepared once however many graphs are
 * built from it. It is shared: builders extend copies (see withFacts) and never change it.
 */
export interface PreparedModel {
  readonly model: onnx.ModelProto;
  /** The default-domain opset the rules see (11 while an upgrade is pending). */
  readonly opset: number;
  /** What the model states about its tensors (see modelFacts), with the shapes the upgrade added. */
  readonly facts: TensorFacts;
  /**
   * Still at a legacy opset: its rewrite needs shapes that only a probe gives (see
   * PrepareOptions.deferUpgrade); builders upgrade their copies with the facts they are given.
   */
  readonly pendingUpgrade: boolean;
  /** While an upgrade is pending: the tensor whose shape it needs. */
  readonly upgradeNeeds?: string;
}

export interface PrepareOptions {
  /**
   * Keep a legacy model whose rewrite needs shapes the model does not state at its opset
   * (`pendingUpgrade`) instead of throwing UnknownShapeError. Default false.
   */
  readonly deferUpgrade?: boolean;
}

const prepared = new WeakSet<object>();

export function isPrepared(source: unknown): source is PreparedModel {
  return typeof source === 'object' && source !== null && prepared.has(source);
}

function register(model: PreparedModel): PreparedModel {
  prepared.add(model);
  return model;
}

/** A private copy of the model, so the caller's is never changed: the one place a model is decoded. */
export function toModel(source: ModelData): onnx.ModelProto {
  return decodeModel(source instanceof Uint8Array ? source : encodeModel(source));
}

/** Decodes and prepares `source` (see PreparedModel); a model already prepared is returned as it is. */
export function prepareModel(source: ModelData | PreparedModel, options: PrepareOptions = {}): PreparedModel {
  if (isPrepared(source)) return source;
  const model = toModel(source);
  assertNoExternalData(model);
  dropUnusedInputs(model);
  const shapes = new Map(modelFacts(model.graph as onnx.GraphProto).shapes);
  let pendingUpgrade = false;
  let upgradeNeeds: string | undefined;
  try {
    upgradeToOpset11(model, shapes);
  } catch (error) {
    if (!(error instanceof UnknownShapeError && options.deferUpgrade)) throw error;
    pendingUpgrade = true;
    upgradeNeeds = error.tensorName;
  }
  explicitCeilModePools(model, shapes, 'dropping');
  lowerToFloat32(model);
  const opset = pendingUpgrade ? MIN_OPSET : defaultOpset(model);
  const facts = mergeFacts(modelFacts(model.graph as onnx.GraphProto), { shapes });
  return register({ model, opset, facts, pendingUpgrade, ...(upgradeNeeds !== undefined ? { upgradeNeeds } : {}) });
}

/** `prepared` with `model`, a rewritten copy of its model (see copyModel), in its place. */
export function withModel(source: PreparedModel, model: onnx.ModelProto, shapes: ReadonlyMap<string, readonly number[]>): PreparedModel {
  const facts = mergeFacts(modelFacts(model.graph as onnx.GraphProto), { shapes: new Map([...source.facts.shapes, ...shapes]) });
  return register({ ...source, model, facts });
}

/**
 * The model rewritten to opset 11 when it uses a legacy default-domain opset (1–10), so that
 * current runtimes, which lack many legacy kernels, can run it; otherwise an unchanged copy.
 * Unlike prepareModel, it keeps the model's float types.
 */
export function upgradeModel(source: ModelData, shapes: ReadonlyMap<string, readonly number[]> = new Map()): onnx.ModelProto {
  const model = toModel(source);
  upgradeToOpset11(model, new Map([...modelFacts(model.graph as onnx.GraphProto).shapes, ...shapes]));
  return model;
}
