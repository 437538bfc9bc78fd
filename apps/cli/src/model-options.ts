import type { GlobalFlags } from './context.js';
import { detail, warnLine } from './context.js';
import type { LoadOptions } from './load-model.js';
import type { ExplainSettings } from './options.js';

/** The engine options every command derives from its settings and the global flags; `--layer` only where the command takes it. */
export function loadOptionsOf(settings: ExplainSettings, global: GlobalFlags, { withLayer = true } = {}): LoadOptions {
  return {
    provider: settings.provider,
    quiet: global.quiet,
    cache: settings.cache,
    ...(settings.output !== undefined ? { output: settings.output } : {}),
    onWarning: (m) => warnLine(global, m),
    onDetail: (m) => detail(global, m),
    ...(withLayer && settings.layer ? { layer: settings.layer } : {}),
  };
}
