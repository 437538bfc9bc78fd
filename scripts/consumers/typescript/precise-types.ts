// Each `@ts-expect-error` line must be a type error: were a public type `any`, the line would
// compile, and the unused directive would fail the check (scripts/consumers/typescript.mjs).
import { functionBackend, integratedGradients, tensor, type GradientBackend, type IntegratedGradientsResult } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { onnxBackend as webOnnxBackend, toTensor } from '@ig/onnx/web';
import { tfjsBackend } from '@ig/tfjs';

declare const backend: GradientBackend;
declare const result: IntegratedGradientsResult;

// @ts-expect-error a string is not a Float32Array
tensor('1, 2, 3', [1, 3]);
// @ts-expect-error a shape is numbers
tensor([1, 2, 3], ['1', '3']);
// @ts-expect-error attributions are Tensors, whose data is a Float32Array
export const text: string = result.attributions[0]!.data;
// @ts-expect-error a report's delta is a number
export const delta: string = result.reports[0]!.delta;
// @ts-expect-error integratedGradients resolves to a result, not a number
export const sum: Promise<number> = integratedGradients(backend, tensor([1], [1, 1]), { target: 0 });
// @ts-expect-error `steps` is a number or 'auto'
void integratedGradients(backend, tensor([1], [1, 1]), { target: 0, steps: 'many' });
// @ts-expect-error an unknown option
void integratedGradients(backend, tensor([1], [1, 1]), { target: 0, stepz: 8 });
// @ts-expect-error forward returns the outputs, not a string
functionBackend({ forward: () => 'outputs', gradient: () => [new Float32Array(1)] });
// @ts-expect-error a model is bytes, a path or a URL, not a number
void onnxBackend(42);
// @ts-expect-error onnxruntime-web takes its model as bytes or a URL, not a number
void webOnnxBackend(42);
// @ts-expect-error an execution provider is a name
void onnxBackend(new Uint8Array(), { executionProviders: [1] });
// @ts-expect-error toTensor takes a core Tensor
toTensor(new Float32Array(4));
// @ts-expect-error a tfjs model, not a string
tfjsBackend('model.json');
// @ts-expect-error the backend's name is a string
export const name: number = (await onnxBackend(new Uint8Array())).name;
