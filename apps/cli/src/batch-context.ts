import { dirname, isAbsolute, resolve } from 'node:path';
import type { ContextSource } from './text/ids-explain.js';

/** A manifest line's "context": model input name → .npy file, or why the line cannot be computed. */
export interface ItemContext {
  readonly context?: ReadonlyMap<string, string>;
  readonly problem?: string;
}

const EXAMPLE = '{"attention_mask": "mask.npy"}';

/**
 * The "context" of manifest line `line`: the values of the model's other inputs for this item's
 * token ids (as `ig explain --context-input NAME=FILE.npy` gives them), paths relative to the
 * manifest. A text takes its other inputs from its tokenizer, so a text line with a context is refused.
 */
export function itemContextOf(value: unknown, manifest: string, line: number, isText: boolean): ItemContext {
  if (value === undefined || value === null) return {};
  const shown = (v: unknown): string => String(JSON.stringify(v)).slice(0, 60);
  if (typeof value !== 'object' || Array.isArray(value))
    return { problem: `line ${line}: "context" must be an object of model input names and .npy files (${EXAMPLE}), got ${shown(value)}` };
  if (isText) return { problem: `line ${line}: "context" goes with token ids in "input"; a "text" gets its other inputs from the tokenizer` };
  const context = new Map<string, string>();
  for (const [name, file] of Object.entries(value as Record<string, unknown>)) {
    if (typeof file !== 'string' || file === '') return { problem: `line ${line}: "context" input "${name}" must be a .npy file path, got ${shown(file)}` };
    context.set(name, isAbsolute(file) ? file : resolve(dirname(manifest), file));
  }
  return { context };
}

/** How a batch item's context inputs are named in its errors: the manifest line and the input. */
export function itemContextSource(manifest: string, line: number): ContextSource {
  return {
    label: (name) => `${manifest} line ${line}: "context" input "${name}"`,
    missing: (name) => `${manifest} line ${line}: the model input "${name}" needs a value: give "context": {"${name}": "FILE.npy"}`,
  };
}
