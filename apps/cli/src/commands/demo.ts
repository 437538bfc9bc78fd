import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHeatmap } from '@ig/core';
import { Option } from 'commander';
import type { Command } from 'commander';
import { say } from '../context.js';
import type { GlobalFlags } from '../context.js';
import { UsageError } from '../errors.js';
import { runExplanation } from '../explain-run.js';
import type { ExplainReport } from '../explain-run.js';
import { writeOutput } from '../files.js';
import { demoHierarchy } from '../hierarchy/demo.js';
import type { DemoHierarchy } from '../hierarchy/demo.js';
import { heatmapPng } from '../heatmap-output.js';
import { encodePng } from '../image.js';
import type { Layout } from '../image.js';
import { loadInput } from '../inputs.js';
import { loadModel, readLabels } from '../load-model.js';
import { formatNpy } from '../npy.js';
import { progressBar } from '../progress.js';
import { summaryLine } from './explain.js';
import { runTextDemo } from '../text/text-demo.js';

const ASSETS = fileURLToPath(new URL('../../assets/', import.meta.url));

interface DemoBundle {
  readonly description: string;
  readonly model: string;
  readonly layout: Layout;
  readonly labels: string | null;
  readonly samples: readonly { readonly name: string; readonly input: string }[];
}

/** The bundled models and their sample inputs (see assets/README.md). */
const BUNDLES: Record<string, DemoBundle> = {
  'fashion-mnist': {
    description: 'Fashion-MNIST CNN (TensorFlow.js), three test images',
    model: join(ASSETS, 'fashion-mnist', 'model.json'),
    layout: 'nhwc',
    labels: join(ASSETS, 'fashion-mnist', 'labels.txt'),
    samples: ['tshirt', 'trouser', 'sneaker'].map((name) => ({ name, input: join(ASSETS, 'fashion-mnist', `${name}.png`) })),
  },
  'small-cnn-onnx': {
    description: 'small CNN with random weights (ONNX), two random inputs',
    model: join(ASSETS, 'small_cnn.onnx'),
    layout: 'nchw',
    labels: null,
    samples: ['sample0', 'sample1'].map((name) => ({ name, input: join(ASSETS, `${name}.npy`) })),
  },
};

export function registerDemo(program: Command, flags: () => GlobalFlags): void {
  program
    .command('demo')
    .description('explain a bundled model on sample inputs and write heatmaps and a report')
    .option('--out-dir <dir>', 'where to write', 'ig-demo')
    .addOption(new Option('--bundle <name>', 'which bundled model to run').choices([...Object.keys(BUNDLES), 'text']).default('fashion-mnist'))
    .action(async (raw: { outDir: string; bundle: string }) => {
      const global = flags();
      const bundle = BUNDLES[raw.bundle] as DemoBundle;
      const outDir = resolve(raw.outDir);
      try {
        mkdirSync(outDir, { recursive: true });
      } catch (error) {
        throw new UsageError(`--out-dir ${raw.outDir} cannot be created: ${(error as Error).message}`);
      }
      if (raw.bundle === 'text') return runTextDemo(ASSETS, outDir, global);
      const labels = bundle.labels ? readLabels(bundle.labels) : null;
      const model = await loadModel(bundle.model);
      const reports: (ExplainReport & { sample: string; files: string[] })[] = [];
      let hierarchy: DemoHierarchy | null = null;
      try {
        for (const sample of bundle.samples) {
          const input = loadInput(sample.input, { size: null, layout: bundle.layout, normalization: { mean: [0], std: [1] }, channels: null }, model.inputShape);
          const settings = { baseline: 'zero', baselineCount: 1, seed: 0, target: 'auto', labels, steps: 64, autoRule: 'adaptive', tolerance: undefined, method: 'gauss-legendre', batchSize: undefined } as const;
          const { attributions, report } = await runExplanation(model, input, settings, progressBar(sample.name, global.quiet));
          const files = [`${sample.name}.attributions.npy`, `${sample.name}.heatmap.png`, `${sample.name}.blended.png`, `${sample.name}.polarity.png`];
          writeOutput(join(outDir, files[0] as string), formatNpy(attributions.data, input.tensor.shape));
          const [height, width] = (bundle.layout === 'nhwc' ? attributions.shape.slice(1, 3) : attributions.shape.slice(2, 4)) as [number, number];
          writeOutput(join(outDir, files[1] as string), encodePng(renderHeatmap({ data: attributions.data, shape: [height, width] }, { sign: 'all' })));
          writeOutput(join(outDir, files[2] as string), heatmapPng(attributions, input, { heatmapStyle: 'blended_heat_map', sign: 'all', outlierPercentile: 2 }));
          writeOutput(join(outDir, files[3] as string), heatmapPng(attributions, input, { heatmapStyle: 'polarity', sign: 'all', outlierPercentile: 2 }));
          reports.push({ sample: sample.name, files, ...report });
          say(global, `${sample.name}: ${summaryLine(report)}`);
          if (hierarchy === null && bundle.layout === 'nhwc') {
            hierarchy = await demoHierarchy(model, input, sample.name, bundle.model, labels, outDir);
            say(global, `${sample.name}: occlusion hierarchy, ${hierarchy.levels} levels, ${hierarchy.forwardPasses} forward passes, ${hierarchy.seconds.toFixed(2)} s`);
          }
        }
      } finally {
        await model.dispose();
      }
      writeOutput(join(outDir, 'report.json'), `${JSON.stringify({ bundle: raw.bundle, description: bundle.description, samples: reports, ...(hierarchy ? { hierarchy } : {}) }, null, 2)}\n`);
      say(global, `wrote heatmaps and report.json to ${outDir}`);
    });
}
