import { onnx } from '../proto/generated/onnx.js';
import { DataType, makeTensor } from '../proto/tensor.js';
import { UnsupportedOpError, UnsupportedOpsetError } from '../errors.js';
import { MAX_OPSET, MIN_OPSET } from '../graph/model.js';
import { freshNames, isDefaultDomain } from '../graph/names.js';
import { legacyRewrites } from '../autodiff/rules/registry.js';
import { dropAttributes, type LegacyUpgrade } from '../autodiff/rules/legacy.js';
import { legacyRanks } from './legacy-ranks.js';
import { toAttributeProto } from '../graph/attributes.js';

/** The oldest default-domain opset that is rewritten to opset 11 before differentiation. */
export const MIN_LEGACY_OPSET = 1;

/**
 * Ops whose form before the opset given here no rewrite knows (Pad-1's `paddings`, Cast-1's type
 * names, Tile-1's axis input, the experimental Upsample-1, the recurrent ops before opset 6);
 * a model at an older opset that holds one is refused (UnsupportedOpError).
 */
const UNREWRITTEN_BEFORE: Readonly<Record<string, number>> = { Pad: 2, Split: 2, Cast: 6, Tile: 6, Upsample: 7, LSTM: 6, GRU: 6, RNN: 6 };

function refuseLegacyForm(node: onnx.NodeProto, version: number): void {
  const opType = node.opType ?? '';
  const refused = version < (UNREWRITTEN_BEFORE[opType] ?? 0);
  // spatial=0 (opsets 1–8) normalizes per activation, with statistics shaped like one example.
  const perActivation = opType === 'BatchNormalization' && (node.attribute ?? []).some((a) => a.name === 'spatial' && Number(a.i) === 0);
  if (!refused && !perActivation) return;
  const reason = perActivation ? 'spatial=0 (per-activation statistics) is not supported' : `its opset-${version} form is not rewritten to opset 11`;
  throw new UnsupportedOpError([{ opType, domain: '', nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset: version, reason }]);
}

/**
 * Rewrites a model of default-domain opset 1–10 into the same computation at opset 11, node by
 * node with each op's legacy rewrite (see LegacyRewrite; e.g. legacy `broadcast`/`axis`
 * attributes become NumPy broadcasting, Pad/Slice/Clip attributes become inputs, Upsample and
 * Resize-10 become Resize-11); other nodes lose the `consumed_inputs` opset 11 dropped. Models
 * already at opset 11–21 are returned unchanged. `shapes` must give operand shapes where a
 * legacy `axis` is used (else UnknownShapeError, the model unchanged); the shapes of tensors
 * this adds are recorded in it. Nodes are replaced, never changed in place.
 */
export function upgradeToOpset11(model: onnx.ModelProto, shapes: Map<string, readonly number[]>): onnx.ModelProto {
  const entry = model.opsetImport.find((o) => isDefaultDomain(o.domain));
  const version = Number(entry?.version ?? 0);
  if (!entry || version >= MIN_OPSET) return model;
  if (version < MIN_LEGACY_OPSET) throw new UnsupportedOpsetError(version, MIN_LEGACY_OPSET, MAX_OPSET);
  const graph = model.graph as onnx.GraphProto;
  const fresh = freshNames(graph, 'ig_upgrade');
  const ranks = legacyRanks(graph);
  const initializers: onnx.TensorProto[] = [];
  const nodes: onnx.NodeProto[] = [];
  const upgrade: LegacyUpgrade = {
    version,
    shapes,
    rank: (name) => shapes.get(name)?.length ?? ranks.get(name),
    constant(hint, dims, dataType, values) {
      const name = fresh(hint);
      initializers.push(makeTensor(name, dims, dataType, values));
      shapes.set(name, dims);
      return name;
    },
    reshape(x, dims, hint) {
      const reshaped = fresh(hint);
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Reshape',
          name: fresh('Reshape'),
          input: [x, upgrade.constant('shape', [dims.length], DataType.INT64, dims)],
          output: [reshaped],
        }),
      );
      shapes.set(reshaped, dims);
      return reshaped;
    },
    trailingAxes(x, rank, count, hint) {
      if (count === 0) return x;
      const unsqueezed = fresh(hint);
      const axes = Array.from({ length: count }, (_, k) => rank + k);
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Unsqueeze',
          name: fresh('Unsqueeze'),
          input: [x],
          output: [unsqueezed],
          attribute: [toAttributeProto('axes', { ints: axes })],
        }),
      );
      ranks.set(unsqueezed, rank + count);
      return unsqueezed;
    },
  };
  for (const original of graph.node as onnx.NodeProto[]) {
    if (!isDefaultDomain(original.domain)) {
      nodes.push(original);
      continue;
    }
    // A copy: the model's nodes may be shared with a prepared model (see copyModel).
    const node = onnx.NodeProto.create({ ...original });
    refuseLegacyForm(node, version);
    const rewrite = legacyRewrites.get(node.opType ?? '');
    if (rewrite) rewrite(node, upgrade);
    else dropAttributes(node, 'consumed_inputs');
    nodes.push(node);
  }
  // Nothing changes until every node is rewritten: a rewrite that needs a shape no one gave throws first.
  graph.node = nodes;
  graph.initializer.push(...initializers);
  entry.version = MIN_OPSET;
  model.irVersion = Math.max(Number(model.irVersion ?? 0), 6);
  return model;
}
