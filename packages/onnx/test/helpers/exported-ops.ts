import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrtModuleLike } from '../../src/index.js';
import { modelDeviation, type ArchitectureCase, type ArchitectureDeviation } from './architectures.js';
import { fixturesDir } from './fixtures.js';

/** The modules of scripts/exported_op_references.py, in architecture_references.py's format. */
export const exportedOpsDir = join(fixturesDir, 'exported-ops');

const cases = (JSON.parse(readFileSync(join(exportedOpsDir, 'references.json'), 'utf8')) as { cases: Record<string, ArchitectureCase & { ops: string[] }> })
  .cases;

/** Every (module, opset) pair, keyed "name opset K", with the ops its export holds. */
export const exportedOpModels = Object.entries(cases).flatMap(([name, c]) =>
  Object.keys(c.models).map((opset) => ({ key: `${name} opset ${opset}`, c, opset, ops: c.ops })),
);

/** Our input gradients of each point's target logit against torch's (see modelDeviation). */
export async function exportedOpDeviation(ort: OrtModuleLike, c: ArchitectureCase, opset: string, provider?: string): Promise<ArchitectureDeviation> {
  const bytes = new Uint8Array(readFileSync(join(exportedOpsDir, c.models[opset] as string)));
  return modelDeviation(ort, c, bytes, provider, exportedOpsDir);
}
