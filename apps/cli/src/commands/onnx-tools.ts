import type { Command } from 'commander';
import { say } from '../context.js';
import type { GlobalFlags } from '../context.js';
import { FileFormatError, UsageError } from '../errors.js';
import { writeOutput } from '../files.js';
import { checkOutputPaths } from '../output-paths.js';
import { modelCompanions } from '../companion-files.js';
import { importOnnx } from '../onnx-module.js';
import { fixInputShapes, staticShapes } from '../static-shapes.js';
import { fusedShapes } from '../fused-shapes.js';
import { readModelBytes } from '../model-bytes.js';
import { zeroFeed } from '../probe-feeds.js';

function onnxPath(path: string): string {
  if (!/\.onnx$/i.test(path)) throw new UsageError(`${path}: expected an .onnx model`);
  return path;
}

export function registerOnnxTools(program: Command, flags: () => GlobalFlags): void {
  program
    .command('inspect')
    .description("list an ONNX model's inputs, outputs, opsets and whether every op has a gradient rule")
    .argument('<model.onnx>')
    .option('--json', 'print JSON')
    .option(
      '--tensors',
      'also list the tensors the nodes compute (names for --layer, and for --output in neuron attribution), with their shapes for one example',
    )
    .action(async (path: string, raw: { json?: boolean; tensors?: boolean }) => {
      const bytes = await readModelBytes(onnxPath(path));
      const onnx = await importOnnx();
      let info: unknown;
      try {
        info = raw.tensors ? { ...onnx.inspect(bytes), tensors: onnx.listTensors(bytes) } : onnx.inspect(bytes);
      } catch (error) {
        throw new FileFormatError(path, `cannot read the ONNX model: ${(error as Error).message}`);
      }
      say(flags(), raw.json ? JSON.stringify(info, null, 2) : formatInspection(info));
    });

  program
    .command('grad-graph')
    .description('write an ONNX model that also outputs the gradients of its output with respect to its inputs')
    .argument('<model.onnx>')
    .requiredOption('-o, --output <file.onnx>', 'where to write the gradient model')
    .option('--wrt <input...>', 'differentiate with respect to these model inputs (default: every float input)')
    .option('--output-name <tensor>', 'the graph output to differentiate (default: the first)')
    .option('--fused', 'build the fused path-integral graph instead (points, gradients and weighted sum in one run)')
    .option('--steps <n>', 'path points per run of the fused graph', '50')
    .option(
      '--input-shape <shape...>',
      "static input shape(s) the graph is built for: d,d,… or NAME=d,d,… (default: the model's, an open batch axis 1; other open dimensions need it); with --fused, one example's, batch 1",
    )
    .action(
      async (
        path: string,
        raw: { output: string; wrt?: string[]; outputName?: string; fused?: boolean; steps: string; inputShape?: string[] },
        command: Command,
      ) => {
        if (!raw.fused && command.getOptionValueSource('steps') === 'cli')
          throw new UsageError('--steps sets the path points of the --fused graph; add --fused or drop --steps');
        checkOutputPaths({ '--output': raw.output }, [{ option: 'model', path }], await modelCompanions(path, 'cpu', `model ${path}`));
        const bytes = await readModelBytes(onnxPath(path));
        const steps = Number(raw.steps);
        if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a positive integer, got '${raw.steps}'`);
        if (raw.fused && raw.wrt) throw new UsageError('--fused differentiates every graph input; drop --wrt');
        const onnx = await importOnnx();
        const output = raw.outputName ? { output: raw.outputName } : {};
        let encoded: Uint8Array;
        let gradients: string[] = [];
        let facts: object;
        let shapes: Map<string, number[]>;
        try {
          const inputs = onnx.inspect(bytes).inputs;
          shapes = raw.fused ? fusedShapes(inputs, raw.inputShape ?? [], steps) : staticShapes(inputs, raw.inputShape ?? [], 1);
          const feeds = Object.fromEntries(inputs.map((input) => [input.name, zeroFeed(onnx.runtime.Tensor, input, shapes.get(input.name) as number[])]));
          facts = await onnx.inferShapes(onnx.runtime, bytes, feeds);
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new FileFormatError(path, `cannot read the ONNX model: ${(error as Error).message.split('\n')[0]}`);
        }
        try {
          if (raw.fused) {
            encoded = onnx.encodeModel(onnx.buildFusedModel(bytes, { steps, facts, ...output }).model);
          } else {
            const built = onnx.buildGradientModel(bytes, { ...(raw.wrt ? { inputs: raw.wrt } : {}), facts, ...output });
            fixInputShapes(built.model, shapes);
            gradients = [...built.gradients].map(([input, gradient]) => `${gradient} = ∂/∂${input}`);
            encoded = onnx.encodeModel(built.model);
          }
        } catch (error) {
          throw new FileFormatError(path, `cannot build the gradient graph: ${(error as Error).message.split('\n')[0]}`, { cause: error });
        }
        writeOutput(raw.output, encoded);
        say(flags(), `wrote ${raw.output}${gradients.length > 0 ? ` (outputs ${gradients.join(', ')})` : ''}`);
      },
    );
}

/** A readable listing of whatever inspect() returned: one `key: value` line per field. */
function formatInspection(info: unknown, indent = ''): string {
  if (info === null || typeof info !== 'object') return `${indent}${String(info)}`;
  return Object.entries(info as Record<string, unknown>)
    .map(([key, value]) => {
      if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return `${indent}${key}: ${value.join(', ')}`;
      if (Array.isArray(value)) return `${indent}${key}:\n${value.map((v) => `${indent}  - ${JSON.stringify(v)}`).join('\n')}`;
      if (value !== null && typeof value === 'object') return `${indent}${key}:\n${formatInspection(value, `${indent}  `)}`;
      return `${indent}${key}: ${String(value)}`;
    })
    .join('\n');
}
