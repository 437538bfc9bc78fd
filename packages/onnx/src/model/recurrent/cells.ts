import type { ShapedBuilder } from './shaped-ops.js';
import type { Activation, RecurrentSpec } from './spec.js';
import { applyActivation, clipped } from './activations.js';

/** A direction's weights, prepared once for all steps (see lower.ts). */
export interface DirectionWeights {
  /** Rᵀ, [hidden, gates·hidden]; for GRU without linear_before_reset only its z and r columns. */
  readonly recurrenceT: string;
  /** GRU without linear_before_reset: Rhᵀ, [hidden, hidden]. */
  readonly hiddenRecurrenceT?: string;
  /** GRU: Rbh, the recurrence bias of the hidden gate, [hidden] (kept apart from the input bias). */
  readonly hiddenRecurrenceBias?: string;
  /** LSTM peepholes Pi, Po, Pf, each [hidden]. */
  readonly peepholes?: { readonly i: string; readonly o: string; readonly f: string };
}

/** The recurrent state between steps; an absent tensor is zero. */
export interface CellState {
  readonly h?: string;
  readonly c?: string;
}

export interface StepContext {
  readonly b: ShapedBuilder;
  readonly spec: RecurrentSpec;
  readonly activations: readonly Activation[];
  readonly weights: DirectionWeights;
}

const gate = (ctx: StepContext, which: number, x: string): string =>
  applyActivation(ctx.b, ctx.activations[which] as Activation, clipped(ctx.b, x, ctx.spec.clip));

/** One step: `input` is Xt·Wᵀ plus the biases folded into it, [batch, gates·hidden]. */
export function step(ctx: StepContext, input: string, state: CellState): CellState {
  switch (ctx.spec.kind) {
    case 'LSTM':
      return lstmStep(ctx, input, state);
    case 'GRU':
      return gruStep(ctx, input, state);
    case 'RNN':
      return { h: gate(ctx, 0, withRecurrence(ctx, input, state.h)) };
  }
}

function withRecurrence(ctx: StepContext, input: string, h: string | undefined): string {
  return h === undefined ? input : ctx.b.plus(input, ctx.b.matmul(h, ctx.weights.recurrenceT));
}

/** it, ft, ct, Ct, ot, Ht in the ONNX spec's equations (gate order i, o, f, c). */
function lstmStep(ctx: StepContext, input: string, state: CellState): CellState {
  const { b, weights } = ctx;
  const gates = withRecurrence(ctx, input, state.h);
  if (!weights.peepholes) {
    // i, o and f are contiguous and share f: one activation over the three (fewer nodes, the same values).
    const hidden = ctx.spec.hiddenSize;
    const [iof, xc] = b.splitWidths(gates, 1, [3 * hidden, hidden]) as [string, string];
    const [i, o, f] = b.splitEqual(gate(ctx, 0, iof), 1, 3) as [string, string, string];
    return lstmCell(ctx, state, i, ctx.spec.inputForget ? b.minus(b.floatConstant([1]), i) : f, gate(ctx, 1, xc), () => o);
  }
  const peepholes = weights.peepholes;
  const [xi, xo, xf, xc] = b.splitEqual(gates, 1, 4) as [string, string, string, string];
  const peep = (x: string, p: string, c: string | undefined): string => (c ? b.plus(x, b.times(p, c)) : x);
  const i = gate(ctx, 0, peep(xi, peepholes.i, state.c));
  const f = ctx.spec.inputForget ? b.minus(b.floatConstant([1]), i) : gate(ctx, 0, peep(xf, peepholes.f, state.c));
  return lstmCell(ctx, state, i, f, gate(ctx, 1, xc), (c) => gate(ctx, 0, peep(xo, peepholes.o, c)));
}

/** Ct = ft ⊙ Ct−1 + it ⊙ ct, Ht = ot ⊙ h(Ct), where ot may read Ct (peepholes). */
function lstmCell(ctx: StepContext, state: CellState, i: string, f: string, candidate: string, output: (c: string) => string): CellState {
  const { b } = ctx;
  const kept = b.times(i, candidate);
  const c = state.c === undefined ? kept : b.plus(b.times(f, state.c), kept);
  return { h: b.times(output(c), applyActivation(b, ctx.activations[2] as Activation, c)), c };
}

/** zt, rt, ht, Ht in the ONNX spec's equations (gate order z, r, h). */
function gruStep(ctx: StepContext, input: string, state: CellState): CellState {
  const { b, spec, weights } = ctx;
  const [xz, xr, xh] = b.splitEqual(input, 1, 3) as [string, string, string];
  const previous = state.h;
  const rbh = weights.hiddenRecurrenceBias as string;
  let z: string;
  let r: string;
  let hidden: string;
  if (previous === undefined) {
    z = gate(ctx, 0, xz);
    r = gate(ctx, 0, xr);
    // Rh·0 = 0: only the recurrence bias is left, still under the reset gate in torch's form.
    hidden = b.plus(xh, spec.linearBeforeReset ? b.times(r, rbh) : rbh);
  } else if (spec.linearBeforeReset) {
    const [hz, hr, hh] = b.splitEqual(b.matmul(previous, weights.recurrenceT), 1, 3) as [string, string, string];
    z = gate(ctx, 0, b.plus(xz, hz));
    r = gate(ctx, 0, b.plus(xr, hr));
    hidden = b.plus(xh, b.times(r, b.plus(hh, rbh)));
  } else {
    const [hz, hr] = b.splitEqual(b.matmul(previous, weights.recurrenceT), 1, 2) as [string, string];
    z = gate(ctx, 0, b.plus(xz, hz));
    r = gate(ctx, 0, b.plus(xr, hr));
    hidden = b.plus(b.plus(xh, b.matmul(b.times(r, previous), weights.hiddenRecurrenceT as string)), rbh);
  }
  const h = gate(ctx, 1, hidden);
  // Ht = (1 − zt) ⊙ ht + zt ⊙ Ht−1
  const fresh = b.times(b.minus(b.floatConstant([1]), z), h);
  return { h: previous === undefined ? fresh : b.plus(fresh, b.times(z, previous)) };
}
