import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exportModels, MODELS_DIR, type Architecture } from './models.js';

export interface PytorchTiming {
  readonly forwards50Seconds: number;
  readonly ig50Seconds: number;
  readonly ratio: number;
}

/** One model's row from scripts/torch_speed.py: path points in batches of 6 and all 50 at once. */
export interface PytorchSpeed {
  readonly model: Architecture;
  readonly threads: number;
  readonly steps: number;
  readonly target: number;
  readonly batch6: PytorchTiming;
  readonly batch50: PytorchTiming;
}

/**
 * PyTorch's own IG-50 (autograd, as Captum computes it) and 50 forward passes on the same weights
 * and image, 2 threads; or why they were not measured (no Debian python3-torch).
 */
export function pytorchSpeed(names: readonly Architecture[]): PytorchSpeed[] | { skipped: string } {
  try {
    if (names.some((name) => !existsSync(`${MODELS_DIR}${name}.pt`))) exportModels();
    const script = fileURLToPath(new URL('../scripts/torch_speed.py', import.meta.url));
    const out = execFileSync('/usr/bin/python3', [script, MODELS_DIR, ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PytorchSpeed);
  } catch (error) {
    return { skipped: `PyTorch reference not measured: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}` };
  }
}
