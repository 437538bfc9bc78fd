import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { channelEnergyModel } from './parity-models.js';

describe('ig explain --reducer', () => {
  it('--reducer maps RGB attributions to one value per pixel: the closed form x² of the target channel', () => {
    const dir = tempDir('reducer');
    const energy = join(dir, 'energy.onnx');
    writeFileSync(energy, channelEnergyModel());
    const x = Float32Array.from({ length: 48 }, (_, i) => Math.sin(0.7 * i) * 1.5);
    const input = join(dir, 'rgb.npy');
    writeFileSync(input, formatNpy(x, [1, 3, 4, 4]));
    const channel1 = x.slice(16, 32);
    for (const [reducer, expected] of [
      ['sum', channel1.map((v) => v * v)],
      ['mean', channel1.map((v) => (v * v) / 3)],
      ['max', channel1.map((v) => Math.max(v * v, 0))],
    ] as const) {
      const out = join(dir, `rgb-${reducer}.npy`);
      const run = ig(['explain', '--model', energy, '--input', input, '--target', '1', '--steps', '8', '--reducer', reducer, '--out', out, '--quiet']);
      expect(run.stderr).toBe('');
      const map = readFloat32Npy(out);
      expect(map.shape).toEqual([1, 4, 4]);
      // IG of a quadratic is exact with 8 Gauss–Legendre points; float32 rounding of x² measured ≤ 2.4e-7.
      const deviation = Math.max(...map.data.map((v, i) => Math.abs(v - (expected[i] as number))));
      if (process.env['IG_MEASURE']) console.log(`--reducer ${reducer}: max deviation ${deviation.toExponential(2)}`);
      expect(deviation).toBeLessThan(1e-6);
    }
  });
});
