import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalFlags } from '../context.js';
import { say } from '../context.js';
import { writeOutput } from '../files.js';
import { readLabels } from '../load-model.js';
import { explainTexts } from './text-explain.js';
import { textHtmlPage, textLines } from './text-views.js';

export const TEXT_BUNDLE_DESCRIPTION = 'SpamAssassin spam classifier (ONNX, int64 token ids), eight held-out messages';

/**
 * `ig demo --bundle text`: the spam classifier of examples/spam on its bundled messages, pad-id
 * baseline, the predicted class; writes report.json and text.html to `outDir`.
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
    { model: join(dir, 'spam.onnx'), tokenizer: undefined, layer: undefined, target: 'auto', labels, steps: 50, tolerance: undefined, method: 'gauss-legendre', provider: 'cpu', baselineToken: undefined },
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
  writeOutput(join(outDir, 'report.json'), `${JSON.stringify({ bundle: 'text', description: TEXT_BUNDLE_DESCRIPTION, samples: records }, null, 2)}\n`);
  say(global, `wrote text.html and report.json to ${outDir}`);
}
