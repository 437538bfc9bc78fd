import { describeSweep, type SweepCase } from './helpers/sweep-checks.js';
import {
  conv3dVolume,
  cropAndPad,
  eluAndCappedRelu,
  layerNormSoftmax,
  leakyAndParametricRelu,
  poolingImage,
  poolingSequence,
  poolingVolume,
  smoothActivations,
  transposedConvs,
} from './helpers/sweep-image-models.js';

const CASES: readonly SweepCase[] = [
  // measured cpu 2.9e-8, 1.1e-7; wasm 2.5e-7, 1.7e-7
  { name: 'Conv2DTranspose, same and valid', build: transposedConvs, target: 1, bounds: { cpu: [2e-7, 6e-7], wasm: [1.5e-6, 1e-6] } },
  // measured cpu 3.1e-9, 5.7e-8; wasm's Conv3D input gradient is wrong (test/kernel-workarounds.test.ts)
  { name: 'Conv3D', build: conv3dVolume, target: 0, refused: { wasm: 'Conv3D' }, bounds: { cpu: [3e-8, 4e-7] } },
  // measured cpu 1.6e-8, 3.9e-8; wasm 2.1e-8, 5.2e-8
  { name: 'Cropping2D + ZeroPadding2D', build: cropAndPad, target: 2, bounds: { cpu: [1.5e-7, 3e-7], wasm: [2e-7, 5e-7] } },
  // measured cpu 3.0e-8, 6.1e-8; wasm 4.4e-8, 5.1e-8 (tfjs's own AvgPoolGrad: 0.2 of max |gradient|)
  { name: "AveragePooling2D 'same' + GlobalMaxPooling2D", build: poolingImage, target: 0, bounds: { cpu: [3e-7, 5e-7], wasm: [4e-7, 5e-7] } },
  // measured cpu 9.7e-9, 6.3e-8; wasm 8.9e-9, 6.3e-8 (tfjs's own wasm MaxPoolGrad: 0.94 of max |gradient|)
  { name: "AveragePooling1D 'same' + MaxPooling1D", build: poolingSequence, target: 1, bounds: { cpu: [8e-8, 5e-7], wasm: [8e-8, 5e-7] } },
  // measured cpu 2.7e-8, 1.1e-7; wasm 4.1e-8, 1.1e-7 (tfjs's own AvgPool3DGrad: 0.63 of max |gradient|)
  { name: "AveragePooling3D 'same' + MaxPooling3D", build: poolingVolume, target: 0, bounds: { cpu: [2.5e-7, 8e-7], wasm: [4e-7, 8e-7] } },
  // measured cpu 5.0e-8, 3.3e-8; wasm 1.7e-7, 3.6e-8
  { name: 'LeakyReLU + PReLU', build: leakyAndParametricRelu, target: 0, bounds: { cpu: [4e-7, 3e-7], wasm: [1.5e-6, 3e-7] } },
  // measured cpu 1.9e-3, 1.5e-8; wasm 1.9e-3, 7.0e-8. Completeness: the path crosses the 0.3 cap,
  // a jump of the gradient that 64 Gauss–Legendre nodes integrate with an error of order 1/64
  // of the jump: quadrature error, not float32 rounding, so the bound is 2× the measured gap.
  { name: 'ELU + ReLU with maxValue', build: eluAndCappedRelu, target: 1, bounds: { cpu: [4e-3, 1.5e-7], wasm: [4e-3, 6e-7] } },
  // measured cpu 1.1e-7, 1.1e-7; wasm 3.6e-7, 1.2e-7
  {
    name: 'selu, softsign, swish, gelu, gelu_new, mish',
    build: smoothActivations,
    target: 0,
    bounds: { cpu: [1e-6, 8e-7], wasm: [3e-6, 1e-6] },
  },
  // measured cpu 5.0e-11 (rounding luck: wasm's 4.9e-8 sets the shared bound), 1.2e-7; wasm 2.3e-7
  { name: 'LayerNormalization + Softmax layer', build: layerNormSoftmax, target: 1, bounds: { cpu: [4e-7, 8e-7], wasm: [4e-7, 1.5e-6] } },
];

describeSweep('IG on layer types swept for coverage', CASES);
