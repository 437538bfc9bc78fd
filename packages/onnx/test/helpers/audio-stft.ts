import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import { makeModel, type ConstantSpec } from './model.js';
import { fixturesDir } from './fixtures.js';
import { int, ints, node } from '../op-cases/case.js';

/** scripts/audio_stft_reference.py: torch's weights, logits and float64 input gradient of one logit. */
export const audioDir = join(fixturesDir, 'audio-stft');

interface AudioReferences {
  readonly target: number;
  readonly logits: readonly number[];
  readonly torchFloat32Deviation: number;
  readonly weights: Readonly<Record<string, { dims: number[]; values: number[] }>>;
}

export const audioReferences = JSON.parse(readFileSync(join(audioDir, 'references.json'), 'utf8')) as AudioReferences;
export const audioWaveform = readNpy(join(audioDir, 'waveform.npy'));
export const audioGradient = readNpy(join(audioDir, 'gradient.npy')).data;

const i64 = (values: number[], dims: number[] = [values.length]): ConstantSpec => ({ dims, values, type: 'int64' });

/**
 * The script's classifier at opset 17, as torch.stft(n_fft=256, hop_length=64, hann window,
 * center=False) computes it: STFT → [1, frames, bins, 2], power, transposed to torch's
 * [1, bins, frames], log(· + 1e-6), two strided convolutions with ReLU, a spatial mean, a linear
 * layer.
 */
export function audioModel(): Uint8Array {
  const w = audioReferences.weights;
  const weight = (name: string): ConstantSpec => ({ dims: w[name]?.dims ?? [], values: w[name]?.values ?? [] });
  return makeModel({
    opset: 17,
    inputs: { waveform: [1, 4000] },
    constants: {
      signalShape: i64([1, 4000, 1]),
      step: i64([64], []),
      window: weight('window'),
      lastAxis: i64([-1]),
      channelAxis: i64([1]),
      epsilon: { dims: [], values: [1e-6] },
      conv1w: weight('conv1.weight'),
      conv1b: weight('conv1.bias'),
      conv2w: weight('conv2.weight'),
      conv2b: weight('conv2.bias'),
      fcw: weight('fc.weight'),
      fcb: weight('fc.bias'),
    },
    nodes: [
      node('Reshape', ['waveform', 'signalShape'], ['signal']),
      node('STFT', ['signal', 'step', 'window'], ['spectrum'], { onesided: int(1) }),
      node('Mul', ['spectrum', 'spectrum'], ['squares']),
      node('ReduceSum', ['squares', 'lastAxis'], ['power'], { keepdims: int(0) }),
      node('Transpose', ['power'], ['byBin'], { perm: ints([0, 2, 1]) }),
      node('Add', ['byBin', 'epsilon'], ['shifted']),
      node('Log', ['shifted'], ['logPower']),
      node('Unsqueeze', ['logPower', 'channelAxis'], ['features']),
      node('Conv', ['features', 'conv1w', 'conv1b'], ['c1'], { kernel_shape: ints([5, 5]), strides: ints([2, 2]) }),
      node('Relu', ['c1'], ['r1']),
      node('Conv', ['r1', 'conv2w', 'conv2b'], ['c2'], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }),
      node('Relu', ['c2'], ['r2']),
      node('ReduceMean', ['r2'], ['pooled'], { axes: ints([2, 3]), keepdims: int(0) }),
      node('Gemm', ['pooled', 'fcw', 'fcb'], ['logits'], { transB: int(1) }),
    ],
    outputs: ['logits'],
  });
}
