import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';
import { expectComplete, type TextSample } from './text-checks.js';

const TEXT_ASSETS = fileURLToPath(new URL('../assets/text/', import.meta.url));
const model = join(TEXT_ASSETS, 'spam.onnx');

describe('ig demo --bundle text', () => {
  it('explains the eight bundled messages: report.json fields, completeness, and an HTML page with a row per message', () => {
    const cwd = tempDir('text-demo');
    const run = ig(['demo', '--bundle', 'text'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote text.html, hierarchy.html, tree.json and report.json');
    expect(run.stderr).toMatch(/tokens; the model takes at most 128: only the first 128 are explained/);
    const report = JSON.parse(readFileSync(join(cwd, 'ig-demo', 'report.json'), 'utf8')) as { bundle: string; samples: TextSample[] };
    expect(report.bundle).toBe('text');
    expect(report.samples).toHaveLength(8);
    for (const sample of report.samples) {
      expectComplete(sample);
      expect(sample.label).toBe(sample.trueLabel);
      expect(sample.target).toBe(sample.predicted);
    }
    const html = readFileSync(join(cwd, 'ig-demo', 'text.html'), 'utf8');
    expect(html.match(/<tr><td>/g)).toHaveLength(8);
    expect(html.match(/class="ig-legend"/g)).toHaveLength(8);
    expect(html).toContain('<th>F(x′)</th>');
    // One occlusion hierarchy of message-0: its tokens, levels that nest over them, the root scoring F(x) − F(pad ids).
    const tree = JSON.parse(readFileSync(join(cwd, 'ig-demo', 'tree.json'), 'utf8')) as {
      sample: string;
      tokens: string[];
      target: number;
      fullScore: number;
      levels: { id: number; features: number[]; score: number; children: number[] }[][];
    };
    const first = report.samples[0] as TextSample;
    expect(tree.sample).toBe('message-0');
    expect(tree.tokens).toEqual(first.tokens);
    expect(tree.target).toBe(first.target);
    expect(Math.abs(tree.fullScore - (first.fInput - first.fBaseline))).toBeLessThan(2e-6);
    const all = first.tokens.map((_, i) => i);
    for (const level of tree.levels) expect(level.flatMap((n) => n.features).sort((a, b) => a - b)).toEqual(all);
    expect(tree.levels[tree.levels.length - 1]).toHaveLength(1);
    const page = readFileSync(join(cwd, 'ig-demo', 'hierarchy.html'), 'utf8');
    expect(page).toContain('occlusion hierarchy, target 1 (spam)');
    expect(run.stdout).toMatch(/message-0 hierarchy: target 1 \(spam\): occlusion score of the whole text/);
  });
});

describe('ig explain --text', () => {
  it('a baseline from a file of [UNK] ids (id 1) gives the --baseline-token [UNK] baseline', () => {
    const cwd = tempDir('text-baseline');
    writeFileSync(join(cwd, 'unk.json'), JSON.stringify(new Array(128).fill(1)));
    const text = 'Cheap meds, no prescription needed';
    const fromFile = ig(['explain', '--model', model, '--text', text, '--target', '1', '--baseline-ids', 'unk.json', '--json', 'a.json'], { cwd });
    const byDefault = ig(['explain', '--model', model, '--text', text, '--target', '1', '--baseline-token', '[UNK]', '--json', 'b.json'], { cwd });
    expect(fromFile.code).toBe(0);
    expect(byDefault.code).toBe(0);
    const a = JSON.parse(readFileSync(join(cwd, 'a.json'), 'utf8')) as { samples: TextSample[] };
    const b = JSON.parse(readFileSync(join(cwd, 'b.json'), 'utf8')) as { samples: TextSample[] };
    expect(a.samples[0]?.tokenAttributions).toEqual(b.samples[0]?.tokenAttributions);
    expectComplete(a.samples[0] as TextSample);
  });

  it('prints and writes per-token attributions; the tokenizer next to the model is found', () => {
    const cwd = tempDir('text-explain');
    const run = ig(['explain', '--model', model, '--text', 'Click here to claim your FREE prize!!', '--target', '1', '--json', 'r.json', '--html', 'r.html'], {
      cwd,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/target 1: F\(x\) = /);
    expect(run.stdout).toMatch(/click\(-?\d/);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { samples: TextSample[] };
    expect(report.samples[0]?.tokens).toEqual(['click', 'here', 'to', 'claim', 'your', 'free', 'prize', '!', '!']);
    expectComplete(report.samples[0] as TextSample);
    expect(readFileSync(join(cwd, 'r.html'), 'utf8')).toContain('title=');
  });

  it('refuses bad text input with a clear error', () => {
    const cwd = tempDir('text-bad');
    const long = 'free money '.repeat(100);
    const tooLong = ig(['explain', '--model', model, '--text', long, '--too-long', 'error'], { cwd });
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('error: the text has 200 tokens; the model takes at most 128');
    const empty = ig(['explain', '--model', model, '--text', '   '], { cwd });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/error: the text has no tokens \(it is empty\)/);
    const token = ig(['explain', '--model', model, '--text', 'hello', '--baseline-token', '[MASK]'], { cwd });
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/--baseline-token \[MASK\] is not in the vocabulary/);
    copyFileSync(model, join(cwd, 'alone.onnx'));
    const noTokenizer = ig(['explain', '--model', join(cwd, 'alone.onnx'), '--text', 'hello'], { cwd });
    expect(noTokenizer.code).toBe(2);
    expect(noTokenizer.stderr).toMatch(/--text needs a tokenizer: give --tokenizer FILE/);
    writeFileSync(join(cwd, 'short.json'), '[0, 0, 0]');
    const shortBaseline = ig(['explain', '--model', model, '--text', 'hello', '--baseline-ids', 'short.json'], { cwd });
    expect(shortBaseline.code).toBe(1);
    expect(shortBaseline.stderr).toMatch(/short\.json: has 3 token ids; the model's sequence has 128 positions/);
    const unknown = ig(['explain', '--model', model, '--text', '☃ ☃', '--target', '0'], { cwd });
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toMatch(/warning: 2 of 2 tokens are unknown to the tokenizer \(\[UNK\]\)/);
  });
});
