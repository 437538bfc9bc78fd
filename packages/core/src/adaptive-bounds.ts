import type { MeshElement, PathMesh } from './adaptive-mesh.js';

/** The rule's largest deviation on a step anywhere in the element: a half for the trapezoid, a third for Simpson. */
const stepDeviation = (element: MeshElement): number => (element.last === element.first + 2 ? 1 / 3 : 1 / 2);

/**
 * Σ over elements of stepDeviation × Σⱼ |Gⱼ(end) − Gⱼ(start)| × width, with Gⱼ = ∂ⱼF·(xⱼ − x'ⱼ):
 * a bound of Σⱼ |attrⱼ − exactⱼ| wherever each Gⱼ is monotone within each element (a ReLU network
 * once no element holds two kinks of one feature's path). Null while the mesh is lone.
 */
export function attributionErrorBound(mesh: PathMesh, direction: readonly Float32Array[]): number | null {
  if (mesh.lone) return null;
  let bound = 0;
  for (const element of mesh.elements()) bound += mesh.variation(element, direction) * stepDeviation(element);
  return bound;
}

/**
 * A bound of the element's quadrature error of g alone, wherever g is monotone between its
 * nodes: its width times g's variation across them, times stepDeviation. Free of F, so it holds
 * where F jumps.
 */
export function integrandError(mesh: PathMesh, element: MeshElement): number {
  let variation = 0;
  for (let k = element.first; k < element.last; k++) variation += Math.abs(mesh.node(k + 1).g - mesh.node(k).g);
  const width = mesh.node(element.last).alpha - mesh.node(element.first).alpha;
  return width * variation * stepDeviation(element);
}
