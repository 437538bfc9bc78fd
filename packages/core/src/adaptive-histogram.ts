import type { MeshElement, PathMesh } from './adaptive-mesh.js';

/** Points of the mesh per bin of α over `bins` equal bins (α = 1 falls in the last). */
export function pointsPerBin(mesh: PathMesh, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let k = 0; k < mesh.size; k++) {
    const bin = Math.min(bins - 1, Math.floor(mesh.node(k).alpha * bins));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Adds `magnitude` (by default |error|) of an element to the bins it covers, in proportion to the overlap. */
export function spreadError(mesh: PathMesh, element: MeshElement, into: number[], magnitude = Math.abs(element.error)): void {
  const lone = element.first === element.last;
  const a = lone ? 0 : mesh.node(element.first).alpha;
  const b = lone ? 1 : mesh.node(element.last).alpha;
  const bins = into.length;
  for (let k = Math.floor(a * bins); k < bins && k / bins < b; k++) {
    const overlap = Math.min(b, (k + 1) / bins) - Math.max(a, k / bins);
    if (overlap > 0) into[k] = (into[k] as number) + (magnitude * overlap) / (b - a);
  }
}
