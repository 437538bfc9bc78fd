import { describeSweep, type SweepCase } from './helpers/sweep-checks.js';
import { mergeLayers, nestedSequentialTwoHeads } from './helpers/sweep-functional-models.js';
import {
  bidirectionalGruAveSequences,
  bidirectionalGruConcat,
  bidirectionalLstmMul,
  bidirectionalLstmSumSequences,
  noiseLayers,
  repeatVectorRnn,
  reshapePermuteTimeDistributed,
} from './helpers/sweep-sequence-models.js';

const CASES: readonly SweepCase[] = [
  // measured cpu 7.1e-9, 3.7e-8; wasm 1.7e-8, 7.8e-8
  { name: 'Reshape + Permute + TimeDistributed(Dense)', build: reshapePermuteTimeDistributed, target: 0, bounds: { cpu: [7e-8, 3e-7], wasm: [1.5e-7, 6e-7] } },
  // measured cpu 8.2e-8, 6.6e-8; wasm 2.8e-7, 8.9e-8
  { name: 'RepeatVector + SimpleRNN sequences', build: repeatVectorRnn, target: 1, bounds: { cpu: [8e-7, 5e-7], wasm: [2.5e-6, 8e-7] } },
  // measured cpu 2.0e-8, 4.5e-8; wasm 1.0e-7, 5.5e-8
  { name: 'Bidirectional(GRU), concat', build: bidirectionalGruConcat, target: 0, bounds: { cpu: [2e-7, 4e-7], wasm: [1e-6, 5e-7] } },
  // measured cpu 6.5e-8, 5.2e-8; wasm 4.1e-8, 1.0e-7
  { name: 'Bidirectional(GRU), ave, sequences', build: bidirectionalGruAveSequences, target: 1, bounds: { cpu: [6e-7, 5e-7], wasm: [4e-7, 1e-6] } },
  // measured cpu 6.5e-8, 4.0e-8; wasm 7.8e-8, 1.0e-7
  { name: 'Bidirectional(LSTM), sum, sequences', build: bidirectionalLstmSumSequences, target: 0, bounds: { cpu: [6e-7, 4e-7], wasm: [7e-7, 1e-6] } },
  // measured cpu 6.3e-8, 1.0e-7; wasm 5.7e-8, 1.9e-7
  { name: 'Bidirectional(LSTM), mul', build: bidirectionalLstmMul, target: 1, bounds: { cpu: [6e-7, 1e-6], wasm: [5e-7, 1.5e-6] } },
  // measured cpu 6.8e-8, 9.7e-8; wasm 5.1e-9, 1.1e-7: a noise layer left on at inference would be far off
  { name: 'noise and dropout layers at inference', build: noiseLayers, target: 0, bounds: { cpu: [6e-7, 9e-7], wasm: [5e-8, 1e-6] } },
  // measured cpu 1.8e-9 (rounding luck: wasm's 5.0e-8 sets the shared bound), 5.5e-8; wasm 6.5e-8
  { name: 'Multiply, Average, Maximum, Minimum, Dot merges', build: mergeLayers, target: 2, bounds: { cpu: [4e-7, 5e-7], wasm: [4e-7, 6e-7] } },
  // measured cpu 2.9e-7, 6.8e-8; wasm 4.0e-7, 1.6e-7
  {
    name: "nested Sequential, two heads, 'second' chosen",
    build: nestedSequentialTwoHeads,
    target: 1,
    output: { name: 'second', index: 1 },
    bounds: { cpu: [2.5e-6, 6e-7], wasm: [3.5e-6, 1.5e-6] },
  },
];

describeSweep('IG on sequence, wrapper and functional models swept for coverage', CASES);
