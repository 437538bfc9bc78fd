/**
 * The bundled models (files of apps/cli/assets, emitted by the bundler as the site's own assets)
 * and how their inputs are made. A `text` model takes a text instead of an image, with the
 * tokenizer.json that turns it into token ids.
 */
import fashionJson from '../../cli/assets/fashion-mnist/model.json?url';
import fashionWeights from '../../cli/assets/fashion-mnist/weights.bin?url';
import fashionLabels from '../../cli/assets/fashion-mnist/labels.txt?raw';
import tshirt from '../../cli/assets/fashion-mnist/tshirt.png?url';
import trouser from '../../cli/assets/fashion-mnist/trouser.png?url';
import sneaker from '../../cli/assets/fashion-mnist/sneaker.png?url';
import smallCnn from '../../cli/assets/small_cnn.onnx?url';
import sample0 from '../../cli/assets/sample0.npy?url';
import sample1 from '../../cli/assets/sample1.npy?url';
import spamOnnx from '../../cli/assets/text/spam.onnx?url';
import spamTokenizer from '../../cli/assets/text/tokenizer.json?url';
import spamLabels from '../../cli/assets/text/labels.txt?raw';
import spamSamples from '../../cli/assets/text/samples.json';
import type { ImageInputSpec } from './image.js';
import type { EngineId, ModelSource } from './protocol.js';
import type { ModelOutput } from './model-outputs.js';

export interface Sample {
  readonly id: string;
  readonly url: string;
  /** `image`: decoded and normalized like a dropped image; `npy`: a ready float32 tensor. */
  readonly type: 'image' | 'npy';
}

interface ModelBase {
  readonly id: string;
  readonly label: string;
  readonly engines: readonly EngineId[];
  readonly labels: readonly string[] | null;
  /** The number of classes where there are no labels but the model declares it. */
  readonly classes?: number;
}

export interface ImageModel extends ModelBase {
  readonly kind: 'image';
  readonly files:
    | { readonly format: 'onnx'; readonly url: string }
    | { readonly format: 'tfjs-layers'; readonly modelJson: string; readonly weights: Readonly<Record<string, string>> }
    /** A user's model: the files of its drop, read. */
    | { readonly format: 'dropped'; readonly source: ModelSource };
  readonly input: ImageInputSpec;
  readonly samples: readonly Sample[];
  /** A model with several outputs (ONNX or TensorFlow.js): each by name with its class count; the page explains the one picked. */
  readonly outputs?: readonly ModelOutput[];
}

export interface TextSample {
  readonly id: string;
  readonly text: string;
  /** The true label, when known. */
  readonly label?: string;
}

/** A text classifier (ONNX, int64 token ids): a text in, one attribution per token out. */
export interface TextModel extends ModelBase {
  readonly kind: 'text';
  readonly files: { readonly format: 'onnx'; readonly url: string };
  /** Its tokenizer.json (@huggingface/tokenizers); without `truncation.max_length` the model's length applies. */
  readonly tokenizerUrl: string;
  readonly samples: readonly TextSample[];
}

export type PlaygroundModel = ImageModel | TextModel;

export const ORT_ENGINES: readonly EngineId[] = ['ort-wasm', 'ort-webgpu'];
export const TFJS_ENGINES: readonly EngineId[] = ['tfjs-webgl', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu'];

export const BUNDLED_MODELS: readonly PlaygroundModel[] = [
  {
    id: 'fashion-mnist',
    label: 'Fashion-MNIST CNN (TensorFlow.js)',
    kind: 'image',
    engines: TFJS_ENGINES,
    labels: fashionLabels.trim().split('\n'),
    files: { format: 'tfjs-layers', modelJson: fashionJson, weights: { 'weights.bin': fashionWeights } },
    input: { width: 28, height: 28, channels: 1, layout: 'nhwc', mean: [0], std: [1] },
    samples: [
      { id: 'tshirt', url: tshirt, type: 'image' },
      { id: 'trouser', url: trouser, type: 'image' },
      { id: 'sneaker', url: sneaker, type: 'image' },
    ],
  },
  {
    id: 'small-cnn-onnx',
    label: 'Small CNN, random weights (ONNX)',
    kind: 'image',
    engines: ORT_ENGINES,
    labels: null,
    files: { format: 'onnx', url: smallCnn },
    input: { width: 28, height: 28, channels: 1, layout: 'nchw', mean: [0], std: [1] },
    samples: [
      { id: 'sample0', url: sample0, type: 'npy' },
      { id: 'sample1', url: sample1, type: 'npy' },
    ],
  },
  {
    id: 'spam-text',
    label: 'Spam classifier, text (ONNX)',
    kind: 'text',
    engines: ORT_ENGINES,
    labels: spamLabels.trim().split('\n'),
    files: { format: 'onnx', url: spamOnnx },
    tokenizerUrl: spamTokenizer,
    // The messages of `ig demo --bundle text`, named as its report names them.
    samples: (spamSamples as { text: string; label: string }[]).map((s, i) => ({ id: `message-${i}`, text: s.text, label: s.label })),
  },
];

export function findModel(id: string): PlaygroundModel | undefined {
  return BUNDLED_MODELS.find((m) => m.id === id);
}
