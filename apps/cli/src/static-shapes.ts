import { UsageError } from './errors.js';

interface DeclaredInput {
  readonly name: string;
  readonly shape: readonly (number | string | null)[] | null;
}

const isFixed = (d: number | string | null): d is number => typeof d === 'number' && d > 0;

function parseDims(text: string): number[] {
  const dims = text.split(',').map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError(`--input-shape: '${text}' is not a list of positive integers like 1,3,224,224`);
  return dims;
}

/**
 * Static shapes for the model inputs: from --input-shape, else the declared shape with an open
 * batch axis set to `batch`. Any other open dimension needs --input-shape: the gradient graph is
 * built for one size, and guessing 1 would build it for 1×1 images.
 */
export function staticShapes(inputs: readonly DeclaredInput[], given: readonly string[], batch: number): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const entry of given) {
    const [name, dims] = entry.includes('=') ? (entry.split('=', 2) as [string, string]) : [inputs[0]?.name ?? '', entry];
    const input = inputs.find((i) => i.name === name);
    if (!input) throw new UsageError(`--input-shape: the model has no input '${name}'; its inputs are ${inputs.map((i) => i.name).join(', ')}`);
    const shape = parseDims(dims);
    const clash = input.shape?.findIndex((d, axis) => isFixed(d) && d !== shape[axis]) ?? -1;
    if (input.shape && (input.shape.length !== shape.length || clash >= 0)) {
      throw new UsageError(
        `--input-shape ${name}=${dims} does not fit the model's input '${name}' of shape [${input.shape.map((d) => (isFixed(d) ? d : String(d ?? '?'))).join(', ')}]`,
      );
    }
    shapes.set(name, shape);
  }
  for (const input of inputs) {
    if (shapes.has(input.name)) continue;
    if (!input.shape) throw new UsageError(`input '${input.name}' has no declared shape; pass --input-shape ${input.name}=d,d,…`);
    const open = input.shape.flatMap((d, axis) => (axis > 0 && !isFixed(d) ? [`${String(d ?? '?')} at axis ${axis}`] : []));
    if (open.length > 0) {
      const example = input.shape.map((d, axis) => (isFixed(d) ? d : axis === 0 ? batch : 'd')).join(',');
      throw new UsageError(
        `input '${input.name}' has free dimensions (${open.join(', ')}); the gradient graph is built for one size: pass --input-shape ${input.name}=${example}`,
      );
    }
    shapes.set(
      input.name,
      input.shape.map((d) => (isFixed(d) ? d : batch)),
    );
  }
  return shapes;
}

interface GraphWithInputs {
  graph?: { input?: { name?: string | null; type?: { tensorType?: { shape?: { dim?: object[] | null } | null } | null } | null }[] | null } | null;
}

/** Writes the shapes the graph was built for into its inputs, so runtimes reject other sizes up front. */
export function fixInputShapes(model: object, shapes: ReadonlyMap<string, readonly number[]>): void {
  for (const input of (model as GraphWithInputs).graph?.input ?? []) {
    const shape = input.name ? shapes.get(input.name) : undefined;
    const tensorType = input.type?.tensorType;
    if (!shape || !tensorType) continue;
    tensorType.shape = { dim: shape.map((d) => ({ dimValue: d })) };
  }
}
