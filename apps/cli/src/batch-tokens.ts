import { itemContextSource } from './batch-context.js';
import type { BatchItem } from './batch-items.js';
import { UsageError } from './errors.js';
import { readNpyHeaderOnly } from './limits.js';
import { readLabels } from './load-model.js';
import { formatNpy } from './npy.js';
import type { ExplainSettings } from './options.js';
import { explainIdsFile } from './text/ids-explain.js';
import { explainText } from './text/text-explain.js';
import { textHtmlPage } from './text/text-views.js';
import { givenTokenFlags, requirePlainIntegratedGradients, tokenFingerprint, tokenRunSettingsOf } from './text/token-options.js';
import { openTokenSession, type TokenRunSettings } from './text/token-session.js';

/** One output file of an item, in memory until the item is done. */
export interface ItemOutput {
  readonly name: string;
  readonly data: Uint8Array | string;
}

/** Explains one item after another with what it loaded once; `close` frees it. */
export interface ItemExplainer {
  outputs(item: BatchItem): Promise<ItemOutput[]>;
  close(): Promise<void>;
}

const NO_CONTEXT: ReadonlyMap<string, string> = new Map();

function isIntegerNpy(path: string): boolean | null {
  try {
    const { dtype } = readNpyHeaderOnly(path);
    return dtype === 'int64' || dtype === 'int32';
  } catch {
    return null;
  }
}

/**
 * A batch is of a token-id model when it lists texts, or when its first readable .npy holds
 * integers (as `ig explain --input` decides per file) and the model is ONNX. Decided on the whole
 * list, so every shard decides the same.
 */
export function isTokenBatch(model: string, items: readonly BatchItem[], raw: Record<string, unknown>): boolean {
  const texts = items.some((item) => item.text !== undefined);
  if (!model.endsWith('.onnx')) {
    if (texts) throw new UsageError('"text" items are explained with token-id ONNX models; give an .onnx --model');
  } else if (texts) return true;
  else {
    for (const item of items) {
      if (item.problem !== undefined || !item.input.toLowerCase().endsWith('.npy')) continue;
      const integer = isIntegerNpy(item.input);
      if (integer !== null) {
        if (integer) return true;
        break;
      }
    }
  }
  const flags = givenTokenFlags(raw);
  if (flags.length > 0)
    throw new UsageError(`${flags.join(', ')} ${flags.length > 1 ? 'are options' : 'is an option'} of token-id models; --inputs holds no texts or token ids`);
  return false;
}

/** The token settings of a token batch, checked before any item is computed. */
export function tokenBatchSettings(settings: ExplainSettings, raw: Record<string, unknown>): TokenRunSettings {
  requirePlainIntegratedGradients(raw, 'token ids and texts in --inputs');
  return tokenRunSettingsOf(settings, raw, settings.labels ? readLabels(settings.labels) : null);
}

/** What `batch-options.json` records of a token batch beside the shared options. */
export const tokenBatchFingerprint = (settings: TokenRunSettings): Record<string, unknown> => ({ tokens: tokenFingerprint(settings) });

/**
 * The model, tokenizer and layer explainer of a token batch, loaded once. Each item gives
 * `<id>.npy` (the layer attributions), `<id>.json` (what `ig explain --text --json` writes for
 * one sample, or `--input ids.npy --json`) and with `html` a one-row `<id>.html` for a text.
 */
export async function tokenItemExplainer(
  settings: TokenRunSettings,
  items: readonly BatchItem[],
  options: { html: boolean; warn: (line: string) => void; /** The --inputs manifest, to name its lines in errors. */ manifest: string },
): Promise<ItemExplainer> {
  const session = await openTokenSession(settings, { needTokenizer: items.some((item) => item.text !== undefined), warn: options.warn });
  return {
    async outputs(item) {
      const started = performance.now();
      const target = item.target ?? settings.target;
      const notes: string[] = [];
      const note = (line: string): void => void notes.push(line);
      const record = (report: object): ItemOutput => ({
        name: `${item.id}.json`,
        data: `${JSON.stringify({ id: item.id, input: item.input, status: 'ok', ...report, seconds: (performance.now() - started) / 1000 })}\n`,
      });
      if (item.text !== undefined) {
        const { report, attributions } = await explainText(session, item.text, target, () => undefined);
        const page = options.html ? [{ name: `${item.id}.html`, data: textHtmlPage(`Token attributions: ${item.id}`, [report], settings.labels) }] : [];
        return [{ name: `${item.id}.npy`, data: formatNpy(attributions.data, attributions.shape) }, ...page, record(report)];
      }
      const source = item.line !== undefined ? itemContextSource(options.manifest, item.line) : undefined;
      const { report, attributions, warnings } = await explainIdsFile(session, item.input, item.context ?? NO_CONTEXT, target, note, source);
      return [{ name: `${item.id}.npy`, data: formatNpy(attributions.data, attributions.shape) }, record({ ...report, warnings: [...notes, ...warnings] })];
    },
    close: () => session.dispose(),
  };
}
