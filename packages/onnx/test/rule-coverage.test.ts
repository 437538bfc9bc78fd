import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradientRules, inspect } from '../src/index.js';
import { fixtureBytes } from './helpers/fixtures.js';
import { opCases } from './op-cases/index.js';
import { RECURRENT_OPS } from '../src/model/recurrent/spec.js';
import { compositeOpTypes, qualifiedOpType } from '../src/model/composite/registry.js';
import { CONTROL_FLOW_OPS } from '../src/model/control-flow/static-names.js';
import { QUANTIZED_OUTPUTS } from '../src/autodiff/rules/quantization.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The op types the README lists after "Ops with rules", up to the paragraph's first full stop. */
function readmeOps(): Set<string> {
  const start = readme.indexOf('Ops with rules');
  const list = readme.slice(readme.indexOf(':', start) + 1, readme.indexOf('.\n', start));
  return new Set(
    list
      .replace(/\([^)]*\)/g, '')
      .split(',')
      .map((op) => op.trim())
      .filter(Boolean),
  );
}

describe('every registered gradient rule', () => {
  const registered = [...gradientRules.keys(), ...compositeOpTypes()].sort();

  it('has an op case checked against finite differences (test/op-cases), or is a quantization op checked against closed forms and PyTorch', () => {
    const covered = new Set(opCases.flatMap((c) => c.model.nodes.map((n) => qualifiedOpType(n.op, n.domain))));
    // Quantized values are piecewise constant, so a finite difference says nothing about their
    // straight-through gradient: quantized-models.test.ts checks each quantization rule instead,
    // and quantized-qoperator.test.ts the QOperator networks that hold each QLinear op.
    const quantization = [...QUANTIZED_OUTPUTS.keys(), 'DequantizeLinear'];
    const quantizedTests = readFileSync(new URL('./quantized-models.test.ts', import.meta.url), 'utf8');
    const qoperatorOps = new Set(['qoperator', 'qelementwise'].flatMap((name) => Object.keys(inspect(fixtureBytes('quantized', `${name}.onnx`)).ops)));
    for (const op of quantization) expect(quantizedTests.includes(`op: '${op}'`) || qoperatorOps.has(op), op).toBe(true);
    expect(registered.filter((op) => !covered.has(op) && !quantization.includes(op))).toEqual([]);
  });

  it('is in the README op list, which lists no op without a rule but the recurrent and composite ops, which are lowered, and the control-flow ops, which are inlined', () => {
    const listed = readmeOps();
    expect(listed.size).toBeGreaterThan(50);
    expect(registered.filter((op) => !listed.has(op))).toEqual([]);
    expect([...listed].filter((op) => !gradientRules.has(op)).sort()).toEqual([...RECURRENT_OPS, ...compositeOpTypes(), ...CONTROL_FLOW_OPS].sort());
  });
});
