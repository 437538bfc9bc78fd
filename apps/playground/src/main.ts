/** The page: wires the controls, the drop zone, the worker runner and the automation contract. */
import {
  byId,
  fillModelControls,
  fillModels,
  fillStaticControls,
  fillTargets,
  learnClasses,
  NORMALIZATIONS,
  readRunOptions,
  readViewOptions,
} from './controls.js';
import { modelSource, prepareInput } from './inputs.js';
import { droppedModel } from './user-model.js';
import { BUNDLED_MODELS, type ImageModel, type PlaygroundModel } from './models.js';
import { drawViews, publishReport, showError, showExplanation, showInput, type Explanation } from './output.js';
import type { EngineAvailability } from './protocol.js';
import { WorkerRunner, type Outcome } from './runner.js';
import { clearTextView, showTextExplanation } from './text-output.js';
import { fillTextSample, textRunMessage } from './text-page.js';
import { errorLabel } from './error-label.js';
import { ModelInputError } from './errors.js';
import { watchLongTasks } from './long-tasks.js';
import { createProgress } from './progress.js';

/** Pictures by name, for files the system gives no MIME type. */
const PICTURE_NAME = /\.(png|jpe?g|webp|gif|bmp)$/i;

type Status = 'loading' | 'idle' | 'running' | 'done' | 'error' | 'cancelled';

const runner = new WorkerRunner();
const models: PlaygroundModel[] = [...BUNDLED_MODELS];
let engines: EngineAvailability[] = [];
let droppedImage: Blob | undefined;
let last: Explanation | undefined;

declare global {
  interface Window {
    /** The last result's numbers, for tests and pages that embed the playground. */
    /** For a text model: one attribution per token, and `input` empty (the tokens are in the report). */
    igResult?: { readonly attributions: number[]; readonly input: number[]; readonly shape: readonly number[] };
  }
}

function setStatus(status: Status): void {
  document.body.dataset.igStatus = status;
  byId<HTMLButtonElement>('run').disabled = status === 'running';
  byId<HTMLButtonElement>('cancel').disabled = status !== 'running';
}

function currentModel(): PlaygroundModel {
  const id = byId<HTMLSelectElement>('model').value;
  return models.find((m) => m.id === id) ?? (models[0] as PlaygroundModel);
}

function fail(error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  showError(`${errorLabel(e)}: ${e.message}`);
  setStatus('error');
}

/** An image model's run: the input prepared on the page (decoded, resized, normalized), IG in the worker. */
async function runImage(model: ImageModel): Promise<{ outcome: Outcome; show: (done: Extract<Outcome, { kind: 'done' }>) => void }> {
  const options = readRunOptions();
  const normalization = NORMALIZATIONS[byId<HTMLSelectElement>('normalization').value] ?? NORMALIZATIONS.none;
  const spec = { ...model.input, ...normalization };
  const sample = model.samples.find((s) => s.id === byId<HTMLSelectElement>('sample').value);
  const inputSource = droppedImage !== undefined ? { image: droppedImage } : sample !== undefined ? { sample } : undefined;
  if (inputSource === undefined) throw new ModelInputError(`${model.label} has no sample: drop or paste an image`);
  const input = await prepareInput(spec, inputSource);
  showInput(input.picture);
  const source = await modelSource(model);
  const progress = createProgress();
  // A model without a channel axis takes the same values in its own shape.
  const modelInput = model.input.modelShape === undefined ? input.tensor : { data: input.tensor.data, shape: model.input.modelShape };
  const outcome = await runner.run({ ...options, type: 'run', model: source, input: modelInput }, progress);
  progress.finish();
  const show = (done: Extract<Outcome, { kind: 'done' }>): void => {
    last = {
      report: done.report,
      attributions: done.attributions,
      shape: input.tensor.shape,
      layout: model.input.layout,
      picture: input.picture,
      labels: model.labels,
    };
    showExplanation(last, readViewOptions());
    // An output whose class count model.json does not declare: the run has counted them.
    const learned = learnClasses(model, options.output, done.report.classes);
    if (learned !== undefined) models[models.indexOf(model)] = learned;
    window.igResult = { attributions: Array.from(done.attributions), input: Array.from(input.tensor.data), shape: done.shape };
  };
  return { outcome, show };
}

async function explain(): Promise<void> {
  if (runner.running) return;
  setStatus('running');
  showError(null);
  publishReport(null);
  const model = currentModel();
  try {
    let run: Awaited<ReturnType<typeof runImage>>;
    if (model.kind === 'text') {
      clearTextView();
      const progress = createProgress();
      const outcome = await runner.run(await textRunMessage(model, readRunOptions()), progress);
      progress.finish();
      run = {
        outcome,
        show: (done) => {
          showTextExplanation(done.report, model.labels);
          window.igResult = { attributions: Array.from(done.attributions), input: [], shape: done.shape };
        },
      };
    } else run = await runImage(model);
    const { outcome } = run;
    if (outcome.kind === 'cancelled') {
      setStatus('cancelled');
      return;
    }
    if (outcome.kind === 'error') throw Object.assign(new Error(outcome.message), { name: outcome.name });
    run.show(outcome);
    publishReport(outcome.report);
    setStatus('done');
  } catch (error) {
    fail(error);
  }
}

async function selectModel(id: string): Promise<void> {
  byId<HTMLSelectElement>('model').value = id;
  modelChanged();
}

function modelChanged(): void {
  const model = currentModel();
  fillModelControls(model, engines);
  if (model.kind === 'text') fillTextSample(model);
}

async function handleFiles(files: readonly File[]): Promise<void> {
  showError(null);
  try {
    const image = files.find((f) => f.type.startsWith('image/') || PICTURE_NAME.test(f.name));
    const user = await droppedModel(files.filter((f) => f !== image));
    if (user !== undefined) {
      const at = models.findIndex((m) => m.id.startsWith('user:'));
      if (at >= 0) models.splice(at, 1);
      models.push(user);
      fillModels(models);
      await selectModel(user.id);
    }
    if (image !== undefined) {
      droppedImage = image;
      const model = currentModel();
      // Decoded now, so that a file that is no picture is named on the drop, not on the run.
      if (model.kind === 'image')
        await prepareInput({ ...model.input, mean: [0, 0, 0], std: [1, 1, 1] }, { image }).then(
          (prepared) => showInput(prepared.picture),
          (error: unknown) => {
            if (droppedImage === image) droppedImage = undefined;
            throw error;
          },
        );
    }
    if (user === undefined && image === undefined)
      throw new ModelInputError(`nothing usable in ${files.map((f) => f.name).join(', ')}: drop an image, an .onnx file, or model.json with its weights`);
  } catch (error) {
    fail(error);
  } finally {
    document.body.dataset.igDrops = String(Number(document.body.dataset.igDrops ?? 0) + 1);
  }
}

function wireDropZone(): void {
  const zone = byId('drop');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    void handleFiles(Array.from(event.dataTransfer?.files ?? []));
  });
  document.addEventListener('paste', (event) => void handleFiles(Array.from(event.clipboardData?.files ?? [])));
  byId<HTMLInputElement>('files').addEventListener('change', (event) => void handleFiles(Array.from((event.target as HTMLInputElement).files ?? [])));
}

async function start(): Promise<void> {
  watchLongTasks();
  fillStaticControls();
  fillModels(models);
  const params = new URLSearchParams(location.search);
  engines = await runner.probe();
  await selectModel(params.get('model') ?? (models[0] as PlaygroundModel).id);
  for (const [param, id] of [
    ['sample', 'sample'],
    ['steps', 'steps'],
    ['method', 'method'],
    ['algorithm', 'algorithm'],
    ['baseline', 'baseline'],
    ['output', 'output'],
    ['target', 'target'],
  ] as const) {
    const value = params.get(param);
    if (value === null) continue;
    (byId(id) as HTMLInputElement | HTMLSelectElement).value = value;
    if (id === 'output') fillTargets(currentModel());
  }
  const model = currentModel();
  if (model.kind === 'text') fillTextSample(model);
  byId('model').addEventListener('change', () => {
    droppedImage = undefined;
    modelChanged();
  });
  byId('sample').addEventListener('change', () => {
    droppedImage = undefined;
    const chosen = currentModel();
    if (chosen.kind === 'text') fillTextSample(chosen);
  });
  byId('output').addEventListener('change', () => fillTargets(currentModel()));
  byId('run').addEventListener('click', () => void explain());
  byId('cancel').addEventListener('click', () => runner.cancel());
  byId('view-options').addEventListener('change', () => {
    const view = readViewOptions();
    if (last !== undefined) drawViews(last, view);
  });
  readViewOptions();
  wireDropZone();
  const engine = params.get('engine');
  if (engine !== null) {
    const availability = engines.find((e) => e.engine === engine);
    if (!currentModel().engines.includes(engine as EngineAvailability['engine']))
      return fail(new Error(`engine '${engine}' does not run ${currentModel().label}; it runs on ${currentModel().engines.join(', ')}`));
    if (availability?.available !== true)
      return fail(new Error(`engine '${engine}' is not available in this browser: ${availability?.note ?? 'unknown engine'}`));
    byId<HTMLSelectElement>('engine').value = engine;
  }
  setStatus('idle');
  if (params.get('autorun') === '1') await explain();
}

void start().catch(fail);
