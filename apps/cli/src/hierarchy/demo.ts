import { join } from 'node:path';
import { writeOutput } from '../files.js';
import type { LoadedInput } from '../inputs.js';
import type { LoadedModel } from '../load-model.js';
import { hierarchyHtml, hierarchyPng, runHierarchy } from './run.js';

export interface DemoHierarchy {
  readonly sample: string;
  readonly files: readonly string[];
  readonly target: number;
  readonly levels: number;
  readonly forwardPasses: number;
  readonly seconds: number;
}

/** One occlusion hierarchy of a demo image (pixels, 5 rounds at the 90th percentile), as PNG, HTML and tree.json. */
export async function demoHierarchy(
  model: LoadedModel,
  input: LoadedInput,
  sample: string,
  modelPath: string,
  labels: readonly string[] | null,
  outDir: string,
): Promise<DemoHierarchy> {
  const run = await runHierarchy(
    model,
    input,
    {
      modelPath,
      score: 'occlusion',
      target: 'auto',
      labels,
      percentileInclude: 90,
      sweepDim: 1,
      iterations: 5,
      steps: 50,
      batchSize: undefined,
      tokens: null,
      baseline: 'zero',
      baselineCount: 1,
      seed: 0,
    },
    () => undefined,
  );
  const files = [`${sample}.hierarchy.png`, `${sample}.hierarchy.html`, `${sample}.hierarchy.json`];
  writeOutput(join(outDir, files[0] as string), hierarchyPng(run));
  writeOutput(join(outDir, files[1] as string), hierarchyHtml(run));
  writeOutput(join(outDir, files[2] as string), `${JSON.stringify(run.json)}\n`);
  return { sample, files, target: run.json.target as number, levels: run.tree.levels.length, forwardPasses: run.json.forwardPasses, seconds: run.json.seconds };
}
