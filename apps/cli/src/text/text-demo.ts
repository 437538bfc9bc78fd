import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalFlags } from '../context.js';
import { say } from '../context.js';
import { writeOutput } from '../files.js';
import { readLabels } from '../load-model.js';
import { hierarchySummary } from '../commands/hierarchy.js';
import { hierarchyHtml } from '../hierarchy/run.js';
import { runTextHierarchy } from '../hierarchy/text-run.js';
import { explainTexts } from './text-explain.js';
import { textHtmlPage, textLines } from './text-views.js';

/** The demo's hierarchy: occlusion with the pad id, single tokens, ACD's defaults (90th percentile, 5 rounds). */
const HIERARCHY_SETTINGS = {
  tokenizer: undefined,
  layer: undefined,
  baselineToken: undefined,
  tooLong: 'truncate',
  score: 'occlusion',
  target: 'auto',
  percentileInclude: 90,
  sweepDim: 1,
  iterations: 5,
  steps: 50,
  batchSize: undefined,
} as const;

export const TEXT_BUNDLE_DESCRIPTION = 'SpamAssassin spam classifier (ONNX, int64 token ids), eight held-out messages';

/**
 * `ig demo --bundle text`: the spam classifier of examples/spam on its bundled messages, pad-id
 * baseline, the predicted class; writes report.json and text.html to `outDir`, and the occlusion
 * hierarchy of the first message as hierarchy.html and tree.json.
 */
export async function runTextDemo(assets: string, outDir: string, global: GlobalFlags): Promise<void> {
  const dir = join(assets, 'text');
  const samples = JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as { text: string; label: string }[];
  const labels = readLabels(join(dir, 'labels.txt'));
  const warn = (line: string): void => {
    if (!global.quiet) process.stderr.write(`warning: ${line}\n`);
  };
  const reports = await explainTexts(
    samples.map((s) => s.text),
    {
      model: join(dir, 'spam.onnx'),
      tokenizer: undefined,
      layer: undefined,
      target: 'auto',
      labels,
      steps: 50,
      autoRule: 'adaptive',
      tolerance: undefined,
      method: 'gauss-legendre',
      batchSize: undefined,
      provider: 'cpu',
      baselineToken: undefined,
    },
    warn,
  );
  const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'];
  const records = reports.map((r, i) => ({ sample: `message-${i}`, trueLabel: samples[i]?.label ?? '', ...r }));
  for (const record of records) {
    const [head, tokens] = textLines(record, colour);
    say(global, `${record.sample} (${record.trueLabel}): ${head ?? ''}`);
    say(global, tokens ?? '');
  }
  writeOutput(join(outDir, 'text.html'), textHtmlPage('Spam classifier: token attributions', records, labels));
  const hierarchy = await runTextHierarchy(samples[0]?.text ?? '', { ...HIERARCHY_SETTINGS, modelPath: join(dir, 'spam.onnx'), labels }, warn);
  writeOutput(join(outDir, 'hierarchy.html'), hierarchyHtml(hierarchy));
  writeOutput(join(outDir, 'tree.json'), `${JSON.stringify({ sample: 'message-0', ...hierarchy.json })}\n`);
  say(global, `message-0 hierarchy: ${hierarchySummary(hierarchy)}`);
  const report = {
    bundle: 'text',
    description: TEXT_BUNDLE_DESCRIPTION,
    samples: records,
    hierarchy: { sample: 'message-0', files: ['hierarchy.html', 'tree.json'] },
  };
  writeOutput(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  say(global, `wrote text.html, hierarchy.html, tree.json and report.json to ${outDir}`);
}
