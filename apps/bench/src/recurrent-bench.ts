/**
 * The cost of differentiating a recurrent model by unrolling it (see @ig/onnx's
 * lowerRecurrentNodes): a 2-layer bidirectional LSTM, input 64, hidden 128, over 256 steps, with a
 * Linear head on the last layer's final states (seeded random weights, built here). Measured,
 * median of REPEATS: the probe run that gives the shapes; building the gradient graph (unrolling
 * included); creating its onnxruntime-node session (median of SESSION_REPEATS); one gradient run
 * per batch size; and, as the reference in the same run, one forward run of the model on
 * onnxruntime's own LSTM kernel.
 * Usage: `node dist/recurrent-bench.js [steps]`; writes bench-results/recurrent.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { buildGradientModel, DataType, encodeModel, inferShapes, makeTensor, onnx } from '@ig/onnx/node';

const REPEATS = Number(process.env['IG_RECURRENT_REPEATS'] ?? 5);
const SESSION_REPEATS = Number(process.env['IG_RECURRENT_SESSION_REPEATS'] ?? 3);
const STEPS = Number(process.argv[2] ?? 256);
const [INPUT, HIDDEN, CLASSES] = [64, 128, 4];
const BATCHES = [1, 8];
const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1, logSeverityLevel: 3 as const };

const clock = (): number => Number(process.hrtime.bigint()) / 1e9;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function model(): Uint8Array {
  const next = random(17);
  const weights = (name: string, dims: number[], scale: number): onnx.TensorProto =>
    makeTensor(
      name,
      dims,
      DataType.FLOAT,
      Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => scale * next()),
    );
  const ints = (name: string, values: number[]): onnx.TensorProto => makeTensor(name, [values.length], DataType.INT64, values);
  const node = (opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.NodeProto =>
    onnx.NodeProto.create({ opType, name: output[0] ?? opType, input, output, attribute });
  const lstm = (x: string, layer: number, outputs: string[]): onnx.NodeProto =>
    node('LSTM', [x, `w${layer}`, `r${layer}`, `b${layer}`], outputs, [
      onnx.AttributeProto.create({ name: 'hidden_size', type: onnx.AttributeProto.AttributeType.INT, i: HIDDEN }),
      onnx.AttributeProto.create({ name: 'direction', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('bidirectional') }),
    ]);
  const scale = 1 / Math.sqrt(HIDDEN);
  const graph = onnx.GraphProto.create({
    name: 'bilstm',
    input: [
      onnx.ValueInfoProto.create({
        name: 'x',
        type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'seq' }, { dimParam: 'batch' }, { dimValue: INPUT }] } } },
      }),
    ],
    output: [onnx.ValueInfoProto.create({ name: 'logits', type: { tensorType: { elemType: DataType.FLOAT } } })],
    initializer: [
      weights('w0', [2, 4 * HIDDEN, INPUT], scale),
      weights('r0', [2, 4 * HIDDEN, HIDDEN], scale),
      weights('b0', [2, 8 * HIDDEN], scale),
      weights('w1', [2, 4 * HIDDEN, 2 * HIDDEN], scale),
      weights('r1', [2, 4 * HIDDEN, HIDDEN], scale),
      weights('b1', [2, 8 * HIDDEN], scale),
      weights('head', [2 * HIDDEN, CLASSES], scale),
      ints('perm_shape', [0, 0, -1]),
    ],
    node: [
      lstm('x', 0, ['y0']),
      // [seq, 2, batch, hidden] → [seq, batch, 2·hidden]
      node('Transpose', ['y0'], ['y0t'], [onnx.AttributeProto.create({ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 1, 3] })]),
      node('Reshape', ['y0t', 'perm_shape'], ['x1']),
      lstm('x1', 1, ['', 'h1']),
      // [2, batch, hidden] → [batch, 2·hidden]
      node('Transpose', ['h1'], ['h1t'], [onnx.AttributeProto.create({ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0, 2] })]),
      node('Reshape', ['h1t', 'perm_shape'], ['h1r']),
      node('Flatten', ['h1r'], ['features']),
      node('MatMul', ['features', 'head'], ['logits']),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-bench', opsetImport: [{ domain: '', version: 17 }], graph }));
}

async function measure(bytes: Uint8Array, batch: number) {
  const next = random(5 + batch);
  const x = new ort.Tensor('float32', Float32Array.from({ length: STEPS * batch * INPUT }, next), [STEPS, batch, INPUT]);
  let t = clock();
  const facts = await inferShapes(ort, bytes, { x }, SESSION);
  const probeSeconds = clock() - t;
  const builds: number[] = [];
  let built = buildGradientModel(bytes, { facts });
  for (let k = 0; k < REPEATS; k++) {
    t = clock();
    built = buildGradientModel(bytes, { facts });
    builds.push(clock() - t);
  }
  t = clock();
  const graph = encodeModel(built.model);
  const encodeSeconds = clock() - t;
  // Session setup per graph optimization level: onnxruntime's default ('all', as the backend
  // uses) and 'disabled' (as it loads an optimized model from the graph cache).
  const setup = async (level: 'all' | 'disabled'): Promise<number> => {
    const times: number[] = [];
    for (let k = 0; k < SESSION_REPEATS; k++) {
      const start = clock();
      await (await ort.InferenceSession.create(graph, { ...SESSION, graphOptimizationLevel: level })).release();
      times.push(clock() - start);
    }
    return median(times);
  };
  const sessionSeconds = await setup('all');
  const sessionDisabledSeconds = await setup('disabled');
  const session = await ort.InferenceSession.create(graph, SESSION);
  const forward = await ort.InferenceSession.create(bytes, SESSION);
  const seed = new ort.Tensor('float32', new Float32Array(batch * CLASSES).fill(1), [batch, CLASSES]);
  const gradientRuns: number[] = [];
  const forwardRuns: number[] = [];
  await session.run({ x, ig_seed: seed });
  await forward.run({ x });
  for (let k = 0; k < REPEATS; k++) {
    t = clock();
    await session.run({ x, ig_seed: seed });
    gradientRuns.push(clock() - t);
    t = clock();
    await forward.run({ x });
    forwardRuns.push(clock() - t);
  }
  await session.release();
  await forward.release();
  const gradientSeconds = median(gradientRuns);
  const forwardSeconds = median(forwardRuns);
  return {
    batch,
    gradientGraph: { nodes: built.model.graph?.node?.length ?? 0, bytes: graph.length },
    probeSeconds,
    buildSeconds: median(builds),
    encodeSeconds,
    sessionSeconds,
    sessionDisabledSeconds,
    gradientRunSeconds: gradientSeconds,
    forwardRunSeconds: forwardSeconds,
    gradientToForward: gradientSeconds / forwardSeconds,
  };
}

const bytes = model();
const report: Record<string, unknown> = {
  model: `2-layer bidirectional LSTM, input ${INPUT}, hidden ${HIDDEN}, ${STEPS} steps, Linear head on the final states (opset 17)`,
  node: process.version,
  onnxruntime: 'onnxruntime-node (CPU), 2 intra-op threads',
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverageAtStart: loadavg()[0],
  repeats: REPEATS,
  sessionRepeats: SESSION_REPEATS,
  date: new Date().toISOString(),
};
const rows = [];
for (const batch of BATCHES) {
  const row = await measure(bytes, batch);
  rows.push(row);
  console.log(
    `batch ${batch}: probe ${row.probeSeconds.toFixed(3)} s, build ${row.buildSeconds.toFixed(3)} s (${row.gradientGraph.nodes} nodes), encode ${row.encodeSeconds.toFixed(3)} s, session ${row.sessionSeconds.toFixed(2)} s (${row.sessionDisabledSeconds.toFixed(2)} s unoptimized); ` +
      `gradient run ${row.gradientRunSeconds.toFixed(4)} s against a forward run of the LSTM kernel ${row.forwardRunSeconds.toFixed(4)} s (${row.gradientToForward.toFixed(1)}×)`,
  );
}
report.batches = rows;
report.loadAverageAtEnd = loadavg()[0];
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/recurrent.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
renameSync('bench-results/recurrent.json.tmp', 'bench-results/recurrent.json');
console.log('wrote bench-results/recurrent.json');
