// The page's computation in Node, from the same project: @ig/onnx/node on onnxruntime-node and
// @ig/tfjs on @tensorflow/tfjs's cpu backend. Prints the results as JSON.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { onnxBackend } from '@ig/onnx/node';
import { tfjsBackend } from '@ig/tfjs';
import { explainOnnx, explainTfjs } from './cases.js';

const onnx = await explainOnnx(await onnxBackend(readFileSync('site/model.onnx')));
const tfjs = await explainTfjs(tf, tfjsBackend);
console.log(JSON.stringify({ onnx, tfjs }));
