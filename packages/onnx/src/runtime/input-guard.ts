import { ShapeMismatchError, type GradientBackend, type PointBatch } from '@ig/core';
import type { OnnxBackend } from './backend-options.js';
import { inputSummaries } from '../model/inspect.js';
import type { PreparedModel } from '../model/prepare.js';

type Declared = readonly { readonly name: string; readonly shape: readonly (number | string | null)[] | null }[];

const describe = (shape: readonly (number | string | null)[]): string => `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** Throws a ShapeMismatchError naming the model's inputs when a batch does not fit them. */
function checkBatch(batch: PointBatch, declared: Declared): void {
  const names = declared.map((d) => `"${d.name}"`).join(', ');
  if (!Array.isArray(batch.points) || batch.points.length !== declared.length) {
    throw new ShapeMismatchError(`the model takes ${declared.length} input(s) (${names}) but ${String(batch.points?.length)} were given`);
  }
  declared.forEach((input, i) => {
    const point = batch.pointShapes[i] ?? [];
    if (!input.shape) return;
    const fits =
      point.length === input.shape.length - 1 && input.shape.every((d, axis) => axis === 0 || typeof d !== 'number' || d <= 0 || d === point[axis - 1]);
    if (!fits) throw new ShapeMismatchError(`input "${input.name}" takes ${describe(input.shape)} but was given [N, ${point.join(', ')}]`);
  });
}

/**
 * The backend with every call checked against the model's declared inputs first, so a wrong
 * input count or shape is reported by name instead of failing inside the runtime.
 */
export function guardInputs<B extends OnnxBackend>(backend: B, prepared: PreparedModel): B {
  const inputs = inputSummaries(prepared.model.graph ?? {});
  const declared: Declared = backend.inputNames.map((name) => inputs.find((i) => i.name === name) ?? { name, shape: null });
  const guarded: GradientBackend & Pick<OnnxBackend, 'withContext'> = {
    ...backend,
    predict: (batch) => (checkBatch(batch, declared), backend.predict(batch)),
    gradients: (request) => (checkBatch(request, declared), backend.gradients(request)),
    withContext: (context) => guardInputs(backend.withContext(context), prepared),
    dispose: () => backend.dispose(),
  };
  const integrate = backend.integrate;
  if (integrate !== undefined) {
    guarded.integrate = (request) => (
      checkBatch({ points: request.input, pointShapes: request.pointShapes, count: 1 }, declared),
      integrate.call(backend, request)
    );
  }
  return guarded as B;
}
