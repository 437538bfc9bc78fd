/** The page: wires the controls, the drop zone, Explain and Cancel, and the automation contract's URL parameters. */
import { byId, fillModelControls, fillModels, fillStaticControls, fillTargets, readViewOptions } from './controls.js';
import { wireDropZone } from './drops.js';
import { cancel, explain } from './explain.js';
import { watchLongTasks } from './long-tasks.js';
import { drawViews } from './output.js';
import { currentModel, fail, page, runner, setStatus } from './page-state.js';
import type { PlaygroundModel } from './models.js';
import type { EngineAvailability } from './protocol.js';
import { fillTextSample } from './text-page.js';
import { applyUrlParams } from './url-params.js';

function selectModel(id: string): void {
  byId<HTMLSelectElement>('model').value = id;
  const model = currentModel();
  fillModelControls(model, page.engines);
  if (model.kind === 'text') fillTextSample(model);
}

function wireControls(): void {
  byId('model').addEventListener('change', () => {
    page.droppedImage = undefined;
    selectModel(byId<HTMLSelectElement>('model').value);
  });
  byId('sample').addEventListener('change', () => {
    page.droppedImage = undefined;
    const chosen = currentModel();
    if (chosen.kind === 'text') fillTextSample(chosen);
  });
  byId('output').addEventListener('change', () => fillTargets(currentModel()));
  byId('run').addEventListener('click', () => void explain());
  byId('cancel').addEventListener('click', cancel);
  byId('view-options').addEventListener('change', () => {
    const view = readViewOptions();
    if (page.last !== undefined) drawViews(page.last, view);
  });
  readViewOptions();
  wireDropZone(selectModel);
}

/** `engine`: one the selected model runs on and this browser offers. */
function applyEngine(engine: string): void {
  const model = currentModel();
  const availability = page.engines.find((e) => e.engine === engine);
  if (!model.engines.includes(engine as EngineAvailability['engine']))
    throw new Error(`engine '${engine}' does not run ${model.label}; it runs on ${model.engines.join(', ')}`);
  if (availability?.available !== true) throw new Error(`engine '${engine}' is not available in this browser: ${availability?.note ?? 'unknown engine'}`);
  byId<HTMLSelectElement>('engine').value = engine;
}

async function start(): Promise<void> {
  watchLongTasks();
  fillStaticControls();
  fillModels(page.models);
  const params = new URLSearchParams(location.search);
  page.engines = await runner.probe();
  wireControls();
  selectModel((page.models[0] as PlaygroundModel).id);
  applyUrlParams(params, page.models, selectModel);
  // The text box holds the text of the sample picked (by the URL, or the first).
  const chosen = currentModel();
  if (chosen.kind === 'text') fillTextSample(chosen);
  const engine = params.get('engine');
  if (engine !== null) applyEngine(engine);
  setStatus('idle');
  if (params.get('autorun') === '1') await explain();
}

void start().catch(fail);
