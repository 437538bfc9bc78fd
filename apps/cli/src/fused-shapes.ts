import { UsageError } from './errors.js';
import { staticShapes } from './static-shapes.js';

interface DeclaredInput {
  readonly name: string;
  readonly shape: readonly (number | string | null)[] | null;
}

const show = (shape: readonly (number | string | null)[]): string =>
  `[${shape.map((d) => (typeof d === 'number' && d > 0 ? d : String(d ?? '?'))).join(', ')}]`;

/**
 * The shapes the model runs at inside the fused graph, which takes one example and runs the
 * model on its `steps` path points at once: every input's batch axis is `steps`. A model that
 * fixes its batch at another size cannot, and --input-shape describes the one example (batch 1;
 * `steps` is taken too, as the batch the model runs at).
 */
export function fusedShapes(inputs: readonly DeclaredInput[], given: readonly string[], steps: number): Map<string, number[]> {
  for (const input of inputs) {
    const batch = input.shape?.[0];
    if (typeof batch === 'number' && batch > 0 && batch !== steps)
      throw new UsageError(
        `--fused runs the model on the --steps ${steps} path points at once, but its input '${input.name}' ${show(input.shape ?? [])} fixes the batch at ${batch}: ` +
          `export the model with an open batch axis, use --steps ${batch}, or drop --fused for the per-point gradient graph`,
      );
  }
  const shapes = staticShapes(inputs, given, steps);
  for (const entry of given) {
    const name = entry.includes('=') ? (entry.split('=', 1)[0] as string) : (inputs[0]?.name ?? '');
    const shape = shapes.get(name) as number[];
    if (shape[0] !== 1 && shape[0] !== steps)
      throw new UsageError(
        `--input-shape ${entry} gives a batch of ${String(shape[0])}, but the --fused graph explains one example: give ${name}=${[1, ...shape.slice(1)].join(',')}`,
      );
    shapes.set(name, [steps, ...shape.slice(1)]);
  }
  return shapes;
}
