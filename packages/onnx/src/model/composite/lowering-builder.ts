import { InvalidModelError } from '../../errors.js';
import type { Attributes } from '../../graph/attributes.js';
import { SHAPE_RULES } from '../../graph/shape-ops.js';
import type { KnownTensor } from '../../graph/shape-facts.js';
import { ShapedBuilder } from '../recurrent/shaped-ops.js';

/** ShapedBuilder whose `inferred` nodes get their output shape from the static shape rules. */
export class LoweringBuilder extends ShapedBuilder {
  /** One node of an op that SHAPE_RULES covers; its output's shape is inferred from its inputs. */
  inferred(opType: string, inputs: readonly string[], attributes: Attributes = {}): string {
    const output = this.op(opType, inputs, attributes);
    const node = this.nodes[this.nodes.length - 1];
    const rule = SHAPE_RULES.get(opType);
    const facts = rule && node ? rule(node, (index) => this.known(inputs[index])) : null;
    const shape = facts?.[0]?.shape;
    if (!shape) throw new InvalidModelError(`internal: the lowering cannot infer the shape of ${opType} over [${inputs.join(', ')}]`);
    this.setShape(output, shape);
    return output;
  }

  /** The mean of x over `axes`, kept as axes of length 1. */
  meanOver(x: string, axes: readonly number[]): string {
    const mean = this.reduceMean(x, axes, true);
    if (mean !== x)
      this.setShape(
        mean,
        this.shape(x).map((d, i) => (axes.includes(i) ? 1 : d)),
      );
    return mean;
  }

  /** x divided by a float constant. */
  over(x: string, divisor: number): string {
    return this.shaped('Div', [x, this.floatConstant([divisor])], this.shape(x));
  }

  private known(name: string | undefined): KnownTensor | undefined {
    if (!name || !this.hasShape(name)) return undefined;
    const values = this.hasConstantValues(name) ? this.constantValues(name) : undefined;
    return { shape: this.shape(name), dataType: this.dataType(name), ...(values ? { values } : {}) };
  }
}
