import { isImagePath } from './image.js';

/**
 * The files of a folder read as inputs (batch items, --baseline-set): .npy and .npz arrays and
 * images of every format, so that an image ig cannot read is refused naming its format rather
 * than passed over.
 */
export const isInputFile = (name: string): boolean => /\.(npy|npz)$/i.test(name) || isImagePath(name);
