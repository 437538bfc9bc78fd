/** The page's side of a text model: the text box, its samples, and the run message for the worker. */
import { byId, type RunOptions } from './controls.js';
import { ModelInputError } from './errors.js';
import { modelSource } from './inputs.js';
import type { TextModel } from './models.js';
import type { RunMessage } from './protocol.js';

const tokenizers = new Map<string, Promise<string>>();

function tokenizerText(url: string): Promise<string> {
  let text = tokenizers.get(url);
  if (text === undefined) {
    text = fetch(url).then(async (response) => {
      if (!response.ok) throw new ModelInputError(`${url}: HTTP ${response.status}`);
      return response.text();
    });
    tokenizers.set(url, text);
    text.catch(() => tokenizers.delete(url));
  }
  return text;
}

/** Puts the chosen sample's text in the text box (which the user may then edit). */
export function fillTextSample(model: TextModel): void {
  const sample = model.samples.find((s) => s.id === byId<HTMLSelectElement>('sample').value) ?? model.samples[0];
  byId<HTMLTextAreaElement>('text').value = sample?.text ?? '';
}

/** The worker's request for the text in the box. */
export async function textRunMessage(model: TextModel, options: RunOptions): Promise<RunMessage> {
  const [source, tokenizer] = await Promise.all([modelSource(model), tokenizerText(model.tokenizerUrl)]);
  if (source.format !== 'onnx') throw new ModelInputError(`${model.label}: text models run on onnxruntime-web and must be ONNX`);
  const { engine, target, steps, method } = options;
  return { type: 'run-text', model: source, tokenizer, text: byId<HTMLTextAreaElement>('text').value, engine, target, steps, method };
}
