import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { panelPngs, panelTitle, targetProbabilities } from '../panel-output.js';
import type { Layout } from '../image.js';
import { loadInput } from '../inputs.js';
import { loadModel, readLabels } from '../load-model.js';
import { formatNpy } from '../npy.js';
import { progressBar } from '../progress.js';
import { summaryLine } from './explain.js';
import { runTextDemo } from '../text/text-demo.js';

/** The demo's pictures: both signs, Captum's 2% outlier clipping, short side ≥ 224 px. */
const PICTURES = { sign: 'all', outlierPercentile: 2, scale: 'auto' } as const;

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
      const reports: (ExplainReport & { sample: string; files: string[]; probability?: number })[] = [];
      let hierarchy: DemoHierarchy | null = null;
      try {
        for (const sample of bundle.samples) {
          const input = loadInput(
            sample.input,
            { size: null, layout: bundle.layout, normalization: { mean: [0], std: [1] }, channels: null },
            model.inputShape,
          );
          const settings = {
            baseline: 'zero',
            baselineCount: 1,
            seed: 0,
            target: 'auto',
            labels,
            steps: 64,
            autoRule: 'adaptive',
            tolerance: undefined,
            method: 'gauss-legendre',
            batchSize: undefined,
          } as const;
          const { attributions, report } = await runExplanation(model, input, settings, progressBar(sample.name, global.quiet));
          const files = [`${sample.name}.attributions.npy`, `${sample.name}.panel.png`, `${sample.name}.polarity.png`];
          writeOutput(join(outDir, files[0] as string), formatNpy(attributions.data, input.tensor.shape));
          const [probability] = await targetProbabilities(model, input, [report.target]);
          const title = panelTitle(report.examples[0] as ExplainReport['examples'][number], report.algorithm, probability ?? null);
          writeOutput(join(outDir, files[1] as string), panelPngs(attributions, input, { ...PICTURES, heatmapStyle: 'overlay' }, [title])[0] as Buffer);
          writeOutput(join(outDir, files[2] as string), heatmapPng(attributions, input, { ...PICTURES, heatmapStyle: 'polarity' }));
          const preprocessing = input.preprocessing ? { preprocessing: input.preprocessing } : {};
          reports.push({
            sample: sample.name,
            files,
            ...report,
            ...(probability ? { probability: probability.value, probabilityFrom: probability.from } : {}),
            ...preprocessing,
          });
          say(global, `${sample.name}: ${summaryLine(report)}`);
          if (hierarchy === null && bundle.layout === 'nhwc') {
            hierarchy = await demoHierarchy(model, input, sample.name, bundle.model, labels, outDir);
            say(
              global,
              `${sample.name}: occlusion hierarchy, ${hierarchy.levels} levels, ${hierarchy.forwardPasses} forward passes, ${hierarchy.seconds.toFixed(2)} s`,
            );
          }
        }
      } finally {
        await model.dispose();
      }
      writeOutput(
        join(outDir, 'report.json'),
        `${JSON.stringify({ bundle: raw.bundle, description: bundle.description, samples: reports, ...(hierarchy ? { hierarchy } : {}) }, null, 2)}\n`,
      );
      say(global, `wrote heatmaps and report.json to ${outDir}`);
    });
}
