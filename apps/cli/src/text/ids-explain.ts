import { idsInputName, tokenSums, type RefinementReport } from '@ig/core';
import type { GlobalFlags } from '../context.js';
import { formatNumber, say } from '../context.js';
import { FileFormatError, UsageError } from '../errors.js';
import { readNpyFile, writeOutput } from '../files.js';
import { readNpyHeaderOnly } from '../limits.js';
import { readLabels } from '../load-model.js';
import { formatNpy } from '../npy.js';
import type { ExplainSettings } from '../options.js';
import { autoReportOf } from '../path-options.js';
import { refinementLinesOf } from '../refinement-lines.js';
import { tokenRunSettingsOf } from './token-options.js';
import { idsBaseline, postProcessorIds } from './text-inputs.js';
import { attributeTokens, openTokenSession, type IdsTensor, type TokenSession } from './token-session.js';

/** True when `ig explain --input` should take the token-id path: an integer .npy for an .onnx model. */
export function isTokenIdsInput(model: string, input: string): boolean {
  if (!model.endsWith('.onnx') || !input.endsWith('.npy')) return false;
  const { dtype } = readNpyHeaderOnly(input);
  return dtype === 'int64' || dtype === 'int32';
}

/** An integer .npy as int64 `[1, L]` (a 1-D array of L ids is taken as one sequence). */
function readIds(path: string, what: string): IdsTensor {
  const array = readNpyFile(path, what);
  if (!(array.data instanceof BigInt64Array || array.data instanceof Int32Array))
    throw new FileFormatError(path, `${what} must be int64 or int32, got ${array.dtype}`);
  const shape = array.shape.length === 1 ? [1, array.shape[0] as number] : [...array.shape];
  if (shape.length !== 2 || shape[0] !== 1)
    throw new FileFormatError(path, `${what} must be one sequence, shape [1, L] or [L]; got [${array.shape.join(', ')}]`);
  return { data: BigInt64Array.from(array.data as ArrayLike<number | bigint>, (v) => BigInt(v)), shape };
}

/** `NAME=FILE.npy` pairs of --context-input. */
export function contextFiles(values: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || !value.slice(at + 1)) throw new UsageError(`--context-input ${value}: give NAME=FILE.npy`);
    files.set(value.slice(0, at), value.slice(at + 1));
  }
  return files;
}

/** What `ig explain --input ids.npy --json` writes, and `ig batch` per ids item. */
export interface IdsReport {
  readonly layer: string;
  readonly target: number | number[];
  readonly baselineId: number;
  readonly fInput: number | undefined;
  readonly fBaseline: number | undefined;
  readonly delta: number | undefined;
  readonly relativeError: number | undefined;
  readonly steps: number | undefined;
  readonly refinement?: RefinementReport;
  readonly tokenAttributions: number[];
}

/** Where the context inputs came from, for their errors: `--context-input NAME`, or a manifest line. */
export interface ContextSource {
  /** Names one given context input. */
  label(name: string): string;
  /** The error for a model input that no context gives and that has no default. */
  missing(name: string): string;
}

const CONTEXT_FLAG: ContextSource = {
  label: (name) => `--context-input ${name}`,
  missing: (name) => `the model input "${name}" needs a value: give --context-input ${name}=FILE.npy`,
};

/**
 * Explains the ids of an integer .npy for `target`. Inputs other than the ids come from `context`
 * (name → .npy); otherwise `attention_mask` is all ones, `token_type_ids` all zeros and `position_ids` 0…L−1.
 */
export async function explainIdsFile(
  session: TokenSession,
  input: string,
  context: ReadonlyMap<string, string>,
  target: string,
  note: (line: string) => void,
  source: ContextSource = CONTEXT_FLAG,
): Promise<{ report: IdsReport; attributions: { data: Float32Array; shape: readonly number[] }; warnings: readonly string[] }> {
  const { explainer } = session;
  const idsName = idsInputName(explainer.inputTypes.keys());
  const ids = readIds(input, 'input');
  const inputs: Record<string, IdsTensor> = { [idsName]: ids };
  for (const [name, file] of context) {
    if (!explainer.inputTypes.has(name) || name === idsName)
      throw new UsageError(`${source.label(name)}: not a context input of the model (inputs: ${[...explainer.inputTypes.keys()].join(', ')})`);
    inputs[name] = readIds(file, source.label(name));
  }
  for (const name of explainer.inputTypes.keys()) {
    if (inputs[name]) continue;
    if (name === 'attention_mask') inputs[name] = { data: new BigInt64Array(ids.data.length).fill(1n), shape: ids.shape };
    else if (name === 'token_type_ids') inputs[name] = { data: new BigInt64Array(ids.data.length), shape: ids.shape };
    else if (name === 'position_ids') inputs[name] = { data: BigInt64Array.from(ids.data, (_, i) => BigInt(i)), shape: ids.shape };
    else throw new UsageError(source.missing(name));
  }
  const kept = session.tokenizer ? postProcessorIds(session.tokenizer) : new Set<number>();
  const explained = await attributeTokens(session, inputs, idsName, target, note, { baseline: idsBaseline(ids.data, session.baselineId, kept) });
  const { report } = explained;
  return {
    attributions: explained.attributions,
    warnings: explained.warnings,
    report: {
      layer: session.layer,
      target: explained.target,
      baselineId: session.baselineId,
      fInput: report?.fInput,
      fBaseline: report?.fBaseline,
      delta: report?.delta,
      relativeError: report?.relativeError,
      steps: report?.steps,
      ...(report?.refinement ? { refinement: report.refinement } : {}),
      tokenAttributions: Array.from(tokenSums(explained.attributions)),
    },
  };
}

/**
 * `ig explain --model M.onnx --input ids.npy [--layer TENSOR]`: layer IG for a token-id model, as
 * `--text` does, from ids given as an integer .npy, other inputs from `--context-input NAME=FILE.npy`.
 */
export async function runTokenIdsExplain(raw: Record<string, unknown>, settings: ExplainSettings, global: GlobalFlags): Promise<void> {
  const input = raw['input'] as string;
  const labels = settings.labels ? readLabels(settings.labels) : null;
  const context = contextFiles((raw['contextInput'] as string[] | undefined) ?? []);
  const stderr = (prefix: string) => (line: string) => {
    if (!global.quiet) process.stderr.write(`${prefix}: ${line}\n`);
  };
  const session = await openTokenSession(tokenRunSettingsOf(settings, raw, labels), { needTokenizer: false, warn: stderr('warning') });
  try {
    const { report, attributions, warnings } = await explainIdsFile(session, input, context, settings.target, stderr('note'));
    const { target, tokenAttributions: perToken, layer } = report;
    const targetText = Array.isArray(target) ? `[${target.join(', ')}]` : String(target);
    say(
      global,
      `target ${targetText}: F(x) = ${formatNumber(report.fInput ?? Number.NaN)}, F(x') = ${formatNumber(report.fBaseline ?? Number.NaN)}, delta = ${formatNumber(report.delta ?? Number.NaN)}, ${perToken.length} tokens at ${layer}`,
    );
    say(global, `token attributions: [${perToken.map(formatNumber).join(', ')}]`);
    if (global.verbose && report.refinement) for (const line of refinementLinesOf(report.refinement, report.relativeError ?? Number.NaN)) say(global, line);
    warnings.forEach(stderr('warning'));
    const out = raw['out'] as string | undefined;
    const jsonFile = raw['json'] as string | undefined;
    if (out) writeOutput(out, formatNpy(attributions.data, attributions.shape));
    const auto = autoReportOf(settings);
    if (jsonFile) writeOutput(jsonFile, `${JSON.stringify({ model: settings.model, input, ...auto, ...report }, null, 2)}\n`);
    for (const file of [out, jsonFile]) if (file) say(global, `wrote ${file}`);
  } finally {
    await session.dispose();
  }
}
