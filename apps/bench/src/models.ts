import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));
export const ARCHITECTURES = ['googlenet', 'resnet18', 'mobilenet_v2'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * The two weight variants written by scripts/export_models.py: `unit-variance` (BatchNorm scales
 * calibrated, no biases: positively homogeneous) and `mean-shifted` (BatchNorm means calibrated
 * too: biases everywhere, a rough path).
 */
export const VARIANTS = ['unit-variance', 'mean-shifted'] as const;
export type Variant = (typeof VARIANTS)[number];

const fileStem = (name: Architecture, variant: Variant): string => `${MODELS_DIR}${name}${variant === 'mean-shifted' ? '-shifted' : ''}`;

/** Writes every missing model file (scripts/export_models.py); throws without Debian's python3-torch. */
export function exportModels(): void {
  execFileSync('/usr/bin/python3', [fileURLToPath(new URL('../scripts/export_models.py', import.meta.url)), MODELS_DIR], { stdio: 'inherit' });
}

/**
 * The exported torchvision model, exporting all of them first when one is missing. Returns the
 * reason instead where Debian's python3-torch/python3-torchvision are not installed.
 */
export function loadModel(name: Architecture, variant: Variant = 'unit-variance'): { bytes: Uint8Array } | { missing: string } {
  const stem = fileStem(name, variant);
  if (!existsSync(`${stem}.onnx`) || !existsSync(`${stem}.torch-ig.json`)) {
    try {
      exportModels();
    } catch {
      return {
        missing: `${stem}.onnx is missing and could not be exported: install python3-torch and python3-torchvision (apt), then run 'pnpm --filter @ig/bench prep'`,
      };
    }
  }
  return { bytes: new Uint8Array(readFileSync(`${stem}.onnx`)) };
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
  /** Per-pixel attributions, [1, 3, 224, 224]. */
  readonly attributions: Float32Array;
}

export function torchReference(name: Architecture, variant: Variant): TorchReference | null {
  const stem = fileStem(name, variant);
  if (!existsSync(`${stem}.torch-ig.json`) || !existsSync(`${stem}.torch-ig.f32`)) return null;
  const raw = readFileSync(`${stem}.torch-ig.f32`);
  const attributions = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return { ...(JSON.parse(readFileSync(`${stem}.torch-ig.json`, 'utf8')) as Omit<TorchReference, 'attributions'>), attributions };
}
