/** Messages between the page and the model worker, which checks a dropped `.onnx` off the page's thread. */
import type { ImageInputSpec } from './image.js';
import type { ModelOutput } from './model-outputs.js';

export interface ModelCheckRequest {
  readonly id: number;
  /** The `.onnx` file and the other files dropped with it (its external data, if any). */
  readonly file: File;
  readonly others: readonly File[];
}

export type ModelCheckReply =
  | {
      readonly id: number;
      readonly bytes: ArrayBuffer;
      readonly input: ImageInputSpec;
      readonly classes: number | undefined;
      readonly outputs: readonly ModelOutput[];
    }
  /** `code` is the IGError code where the check threw one (BAD_INPUT for what is wrong with the model). */
  | { readonly id: number; readonly error: string; readonly code: string | undefined };
