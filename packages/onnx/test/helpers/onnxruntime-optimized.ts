import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';

/**
 * The model at `path` as onnxruntime-node saves it after its graph optimizations at `level`
 * (`optimizedModelFilePath`), read back; the file is written in a temporary folder, then removed.
 */
export async function optimizedByOnnxruntime(path: string, level: 'basic' | 'extended' | 'all' = 'extended'): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'ig-ort-optimized-'));
  try {
    const optimizedModelFilePath = join(dir, 'optimized.onnx');
    const session = await ortNode.InferenceSession.create(path, { graphOptimizationLevel: level, optimizedModelFilePath, executionProviders: ['cpu'] });
    await session.release();
    return new Uint8Array(readFileSync(optimizedModelFilePath));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
