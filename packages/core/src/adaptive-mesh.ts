/** One evaluated path point: α, the objective F there, and its gradient. */
export interface MeshNode {
  readonly alpha: number;
  /** F(γ(α)). */
  readonly f: number;
  /** dF(γ(α))/dα = ∇F·(x − x'), the completeness integrand. */
  readonly g: number;
  /** Σⱼ |∂ⱼF·(xⱼ − x'ⱼ)|: the scale of g's rounding error. */
  readonly gAbs: number;
  /** Per model input, the gradient at this point. */
  readonly gradients: readonly Float32Array[];
}

/**
 * How each piece of the mesh is integrated: `trapezoid` on every interval between neighbouring
 * points, or `simpson-pairs`: Simpson's rule on two sibling intervals of the bisection that are
 * both unsplit, the trapezoid on an interval whose sibling was split.
 */
export type PieceRule = 'trapezoid' | 'simpson-pairs';

/** A run of 2 or 3 consecutive nodes integrated by one rule. */
export interface MeshElement {
  readonly first: number;
  readonly last: number;
  /** Its quadrature of g minus the exact F(end) − F(start): its own completeness error. */
  readonly error: number;
  /** Below this |error| is float32 rounding of F and g, not quadrature error. */
  readonly noise: number;
  /** The part of `noise` from g alone (F's rounding at interior nodes cancels in a sum of elements). */
  readonly gNoise: number;
}

/** About 16 float32 ulps: what F differences and gradient dot products keep of their precision. */
const NOISE = 2 ** -20;
/**
 * Where the node at α = 0 takes its gradient: just inside the path. At x' itself a network's
 * pre-activations can sit exactly on their kinks (a zero baseline into layers without biases:
 * ReLU'(0) = 0), or tie (a constant image into max-pools), so the gradient there is a convention,
 * not the path's, and trapezoid weights on it cost bisections toward 0. Within float32 rounding
 * of x' the ties persist: on the bench's ResNet-18 and GoogLeNet, g settles to its value just
 * beyond from about 2⁻¹⁸ on. The node keeps F(x') as its F, so each piece's error stays measured
 * against F's exact change; the first piece's holds what its end gradient misses of [0, 2⁻¹⁸].
 */
export const BASELINE_SIDE_ALPHA = 2 ** -18;
/** Intervals shorter than this are not split further (a jump in F itself never converges). */
const MIN_WIDTH = 2 ** -40;
/** An element this narrow whose error exceeds what any slope near those seen explains is a jump of F. */
const JUMP_WIDTH = 2 ** -12;
/**
 * On an element of width w, a continuous F whose slope stays below s errs by at most 2·s·w (F's
 * change and the quadrature each at most s·w); an error beyond JUMP_SLOPE·w·slopeScale means F
 * rises four times more steeply inside than anywhere seen, or jumps.
 */
const JUMP_SLOPE = 8;

/**
 * Points along one path, refined by bisection from a dyadic grid, so every interval is a node of
 * a binary tree over [0, 1]. Each element's completeness error is exact: the integral of g over
 * it is F at its last node minus F at its first. Before the ends are evaluated, a lone point at
 * α = ½ is the midpoint rule on [0, 1], measured against `fEnds` (F(x') and F(x)).
 */
export class PathMesh {
  private nodes: MeshNode[] = [];
  private readonly rule: PieceRule;
  private readonly fEnds: readonly [number, number];

  constructor(rule: PieceRule, fEnds: readonly [number, number]) {
    this.rule = rule;
    this.fEnds = fEnds;
  }

  get size(): number {
    return this.nodes.length;
  }

  node(i: number): MeshNode {
    return this.nodes[i] as MeshNode;
  }

  insert(fresh: readonly MeshNode[]): void {
    this.nodes = [...this.nodes, ...fresh].sort((a, b) => a.alpha - b.alpha);
  }

  private width(i: number): number {
    return this.node(i + 1).alpha - this.node(i).alpha;
  }

  /** Whether interval i and interval i + 1 are the two unsplit halves of one tree interval. */
  private pairsWithNext(i: number): boolean {
    if (i + 2 >= this.nodes.length) return false;
    const h = this.width(i);
    return h === this.width(i + 1) && Number.isInteger(this.node(i).alpha / (2 * h));
  }

  /**
   * True until α = 0 is evaluated: the lone point at α = ½ is the rule (the midpoint rule), and a
   * point at α = 1 beside it is the probe that checks it (see markPath).
   */
  get lone(): boolean {
    return this.node(0).alpha !== 0;
  }

  /** The ends of the path not yet evaluated. */
  missingEnds(): number[] {
    return [0, 1].filter((alpha) => !this.nodes.some((node) => node.alpha === alpha));
  }

  /** Half of Σⱼ |Gⱼ(1) − Gⱼ(½)|: how far the probe at α = 1 says the lone midpoint rule errs per feature. */
  probeVariation(direction: readonly Float32Array[]): number {
    return this.variation({ first: 0, last: 1, error: 0, noise: 0, gNoise: 0 }, direction);
  }

  elements(): MeshElement[] {
    if (this.lone) {
      const { g, gAbs } = this.node(0);
      const [f0, f1] = this.fEnds;
      return [{ first: 0, last: 0, error: g - (f1 - f0), noise: NOISE * (Math.abs(f0) + Math.abs(f1) + gAbs), gNoise: NOISE * gAbs }];
    }
    const out: MeshElement[] = [];
    for (let i = 0; i + 1 < this.nodes.length;) {
      const last = this.rule === 'simpson-pairs' && this.pairsWithNext(i) ? i + 2 : i + 1;
      const weights = this.elementWeights(i, last);
      let quadrature = 0;
      let scale = 0;
      weights.forEach((w, k) => {
        quadrature += w * this.node(i + k).g;
        scale += Math.abs(w) * this.node(i + k).gAbs;
      });
      const a = this.node(i);
      const b = this.node(last);
      out.push({ first: i, last, error: quadrature - (b.f - a.f), noise: NOISE * (Math.abs(a.f) + Math.abs(b.f) + scale), gNoise: NOISE * scale });
      i = last;
    }
    return out;
  }

  private elementWeights(first: number, last: number): number[] {
    if (first === last) return [1];
    const h = this.width(first);
    return last === first + 2 ? [h / 3, (4 * h) / 3, h / 3] : [h / 2, h / 2];
  }

  /** Whether splitting the element could still lower its error. */
  refinable(element: MeshElement): boolean {
    return Math.abs(element.error) > element.noise && this.splittable(element);
  }

  /**
   * The largest |dF/dα| the path has shown: max |g| over its nodes, and |F(1) − F(0)| (some α has
   * a slope at least that large, evaluated or not).
   */
  slopeScale(): number {
    const [f0, f1] = this.fEnds;
    return this.nodes.reduce((largest, node) => Math.max(largest, Math.abs(node.g)), Math.abs(f1 - f0));
  }

  /**
   * Whether F jumps inside the element: it is at most JUMP_WIDTH wide and F changes across it by
   * more than its gradient integrates to, beyond what any slope near the path's largest explains
   * (a step, a rounding or a quantization in the model, whose gradient does not see it). Splitting
   * such an element moves its error into one of the halves and never lowers it.
   */
  isJump(element: MeshElement, slopeScale: number): boolean {
    if (element.first === element.last) return false;
    const width = this.node(element.last).alpha - this.node(element.first).alpha;
    return width <= JUMP_WIDTH && Math.abs(element.error) > element.noise + JUMP_SLOPE * width * slopeScale;
  }

  /**
   * Whether the element is wider than the narrowest interval that is split. The piece at α = 0 is
   * split below BASELINE_SIDE_ALPHA too: its new points are evaluated where they lie, and the
   * piece's error, measured against F(x'), falls with its width while its left gradient stays at
   * BASELINE_SIDE_ALPHA.
   */
  splittable(element: MeshElement): boolean {
    return element.first === element.last || this.width(element.first) > MIN_WIDTH;
  }

  /**
   * The rounding of Σ element errors: F's at the mesh's two ends (F at an interior node enters
   * two neighbouring elements with opposite signs and cancels) and every element's g.
   */
  sumNoise(elements: readonly MeshElement[]): number {
    const ends = this.lone ? this.fEnds : [this.node(0).f, this.node(this.nodes.length - 1).f];
    return elements.reduce((n, e) => n + e.gNoise, NOISE * (Math.abs(ends[0] as number) + Math.abs(ends[1] as number)));
  }

  /**
   * The element's width times Σⱼ |Gⱼ(end) − Gⱼ(start)|, Gⱼ = ∂ⱼF·(xⱼ − x'ⱼ): how far the
   * gradient moves across it, read from gradients alone, so free of F's rounding.
   */
  variation(element: MeshElement, direction: readonly Float32Array[]): number {
    const a = this.node(element.first);
    const b = this.node(element.last);
    let variation = 0;
    direction.forEach((d, input) => {
      const ga = a.gradients[input] as Float32Array;
      const gb = b.gradients[input] as Float32Array;
      for (let j = 0; j < d.length; j++) variation += Math.abs(((gb[j] as number) - (ga[j] as number)) * (d[j] as number));
    });
    return (b.alpha - a.alpha) * variation;
  }

  /**
   * The α that refines an element: the midpoint of a lone interval, or of the half of a Simpson
   * pair whose own trapezoid error is larger (one new point either way).
   */
  splitPoint(element: MeshElement): number {
    const i = element.first;
    const midpoint = (k: number): number => 0.5 * (this.node(k).alpha + this.node(k + 1).alpha);
    if (element.last === i + 1) return midpoint(i);
    const trapezoidError = (k: number): number => Math.abs(0.5 * this.width(k) * (this.node(k).g + this.node(k + 1).g) - (this.node(k + 1).f - this.node(k).f));
    return trapezoidError(i + 1) > trapezoidError(i) ? midpoint(i + 1) : midpoint(i);
  }

  /** Per model input, Σ over nodes of the composite rule's weight × gradient. */
  gradientSums(pointSizes: readonly number[]): Float64Array[] {
    const sums = pointSizes.map((size) => new Float64Array(size));
    for (const element of this.elements()) {
      this.elementWeights(element.first, element.last).forEach((w, k) => {
        this.node(element.first + k).gradients.forEach((gradient, input) => {
          const sum = sums[input] as Float64Array;
          for (let j = 0; j < gradient.length; j++) sum[j] = (sum[j] as number) + w * (gradient[j] as number);
        });
      });
    }
    return sums;
  }
}
