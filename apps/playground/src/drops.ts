/**
 * Dropped, pasted or chosen files: the user's model (selected at once) and a picture (decoded to
 * check it). A drop during a run changes what the next run uses, never the run in progress, and
 * its error is shown without ending that run.
 */
import { byId, fillModels } from './controls.js';
import { ModelInputError } from './errors.js';
import { prepareInput } from './inputs.js';
import { showError, showInput } from './output.js';
import { currentModel, errorText, fail, page, showNotice } from './page-state.js';
import { droppedModel } from './user-model.js';

/** Pictures by name, for files the system gives no MIME type. */
const PICTURE_NAME = /\.(png|jpe?g|webp|gif|bmp)$/i;

const isPicture = (file: File): boolean => file.type.startsWith('image/') || PICTURE_NAME.test(file.name);

/** The picture for the selected model, kept only once it decodes: a file that is no picture leaves the previous one in use. */
async function usePicture(image: File, notes: string[]): Promise<void> {
  const model = currentModel();
  if (model.kind !== 'image') {
    notes.push(`${image.name} is not used: ${model.label} takes a text, not a picture; choose an image model, then drop the picture again`);
    return;
  }
  // Decoded now, so that a file that is no picture is named on the drop, not on the run.
  const prepared = await prepareInput({ ...model.input, mean: [0, 0, 0], std: [1, 1, 1] }, { image });
  page.droppedImage = image;
  showInput(prepared.picture);
}

/** Handles a drop; Explain clicked before it is handled waits for it (a picture still decoding is that run's). */
export function handleFiles(files: readonly File[], selectModel: (id: string) => void): Promise<void> {
  const handled = handleDrop(files, selectModel);
  page.dropping = handled;
  void handled.finally(() => {
    if (page.dropping === handled) page.dropping = undefined;
  });
  return handled;
}

async function handleDrop(files: readonly File[], selectModel: (id: string) => void): Promise<void> {
  const notes: string[] = [];
  if (page.run === undefined) showError(null);
  showNotice(null);
  try {
    const [image, ...otherPictures] = files.filter(isPicture);
    if (image !== undefined && otherPictures.length > 0)
      notes.push(`${otherPictures.length + 1} pictures dropped: ${image.name} is used, not ${otherPictures.map((f) => f.name).join(', ')}`);
    const user = await droppedModel(files.filter((f) => !isPicture(f)));
    if (user !== undefined) {
      page.models = [...page.models.filter((m) => !m.id.startsWith('user:')), user];
      fillModels(page.models);
      selectModel(user.id);
    }
    if (image !== undefined) await usePicture(image, notes);
    if (user === undefined && image === undefined)
      throw new ModelInputError(`nothing usable in ${files.map((f) => f.name).join(', ')}: drop an image, an .onnx file, or model.json with its weights`);
  } catch (error) {
    // A run in progress goes on: its status, and its Cancel, stay.
    if (page.run !== undefined) showError(errorText(error));
    else fail(error);
  } finally {
    showNotice(notes.length > 0 ? notes.join('\n') : null);
    document.body.dataset.igDrops = String(Number(document.body.dataset.igDrops ?? 0) + 1);
  }
}

export function wireDropZone(selectModel: (id: string) => void): void {
  const zone = byId('drop');
  const handle = (files: ArrayLike<File> | null | undefined): void => void handleFiles(Array.from(files ?? []), selectModel);
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    handle(event.dataTransfer?.files);
  });
  document.addEventListener('paste', (event) => handle(event.clipboardData?.files));
  byId<HTMLInputElement>('files').addEventListener('change', (event) => handle((event.target as HTMLInputElement).files));
}
