import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));
export const ARCHITECTURES = ['googlenet', 'resnet18', 'mobilenet_v2'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * The exported torchvision model, exporting all three first when one is missing. Returns null
 * (with the reason) where Debian's python3-torch/python3-torchvision are not installed.
 */
export function loadModel(name: Architecture): { bytes: Uint8Array } | { missing: string } {
  const path = `${MODELS_DIR}${name}.onnx`;
  if (!existsSync(path) || !existsSync(`${MODELS_DIR}${name}.torch-ig.json`)) {
    try {
      execFileSync('/usr/bin/python3', [fileURLToPath(new URL('../scripts/export_models.py', import.meta.url)), MODELS_DIR], { stdio: 'inherit' });
    } catch {
      return { missing: `${path} is missing and could not be exported: install python3-torch and python3-torchvision (apt), then run 'pnpm --filter @ig/bench prep'` };
    }
  }
  return { bytes: new Uint8Array(readFileSync(path)) };
}

/** A reproducible input in [0, 1) of shape [1, 3, 224, 224]. */
export function sampleImage(seed = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: 3 * 224 * 224 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  });
}

export const IMAGE_SHAPE = [1, 3, 224, 224];

/** PyTorch's own IG of the benchmark image (written by the export script), the independent reference. */
export interface TorchReference {
  readonly target: number;
  readonly steps: number;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly attributionSum: number;
  readonly relativeError: number;
}

export function torchReference(name: Architecture): TorchReference | null {
  const path = `${MODELS_DIR}${name}.torch-ig.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as TorchReference) : null;
}
