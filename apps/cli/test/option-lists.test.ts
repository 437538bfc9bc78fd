import { ALGORITHMS, AUTO_RULES, HEATMAP_METHODS, NOISE_KINDS, OBJECTIVES, POLARITIES, QUADRATURE_METHODS, REDUCERS, VISUALIZE_SIGNS } from '@ig/core';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addAlgorithmOptions } from '../src/algorithm-options.js';
import { addExplainOptions, parseExplainSettings } from '../src/options.js';

/** The choices of the CLI's options are @ig/core's lists: a rule, method, reducer or noise kind added there is accepted here. */
describe('option choices come from @ig/core', () => {
  const command = addAlgorithmOptions(addExplainOptions(new Command('explain')));
  const choices = (flag: string): readonly string[] | undefined => command.options.find((o) => o.long === flag)?.argChoices;

  it.each([
    ['--method', QUADRATURE_METHODS],
    ['--auto-rule', AUTO_RULES],
    ['--algorithm', ALGORITHMS],
    ['--objective', OBJECTIVES],
    ['--reducer', REDUCERS],
    ['--noise', NOISE_KINDS],
    ['--sign', VISUALIZE_SIGNS],
    ['--polarity', POLARITIES],
  ] as const)('%s accepts exactly the core list', (flag, list) => {
    expect(choices(flag)).toEqual([...list]);
  });

  it('--heatmap-method accepts the core heatmap methods and polarity', () => {
    expect(choices('--heatmap-method')).toEqual([...HEATMAP_METHODS, 'polarity']);
  });

  it('every quadrature rule of the core parses, clenshaw-curtis included', () => {
    expect(QUADRATURE_METHODS).toContain('clenshaw-curtis');
    for (const method of QUADRATURE_METHODS) {
      command.parse(['--model', 'm.onnx', '--method', method], { from: 'user' });
      expect(parseExplainSettings(command.opts(), true).method).toBe(method);
    }
  });
});
