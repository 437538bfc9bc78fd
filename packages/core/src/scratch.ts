/**
 * Arrays that one integratedGradients call uses only internally (materialised baselines, path
 * gradient sums), handed back for the next call. A fresh large typed array costs a page fault
 * per 4 KiB on first write — for one 224×224×3 image, milliseconds on some VMs, more than all
 * the arithmetic of a path. Arrays in use are never shared: concurrent calls each take their own.
 */
const MAX_IDLE_BYTES = 64 * 1024 * 1024;

let idle: (Float32Array | Float64Array)[] = [];

function take<T extends Float32Array | Float64Array>(matches: (a: Float32Array | Float64Array) => a is T, length: number): T | undefined {
  const at = idle.findIndex((a) => matches(a) && a.length === length);
  if (at < 0) return undefined;
  const [array] = idle.splice(at, 1);
  return array as T;
}

const isFloat32 = (a: Float32Array | Float64Array): a is Float32Array => a instanceof Float32Array;
const isFloat64 = (a: Float32Array | Float64Array): a is Float64Array => a instanceof Float64Array;

export class Scratch {
  private readonly taken: (Float32Array | Float64Array)[] = [];

  /** A Float32Array of `length` values whose contents are unspecified: the caller writes them all. */
  float32(length: number): Float32Array {
    const array = take(isFloat32, length) ?? new Float32Array(length);
    this.taken.push(array);
    return array;
  }

  /** A Float64Array of `length` zeros. */
  float64Zeros(length: number): Float64Array {
    const reused = take(isFloat64, length);
    reused?.fill(0);
    const array = reused ?? new Float64Array(length);
    this.taken.push(array);
    return array;
  }

  /** Hands every array back; none of them may be used afterwards. */
  release(): void {
    // Most recent first, so the pool keeps what the latest calls used.
    let bytes = 0;
    const kept: (Float32Array | Float64Array)[] = [];
    for (const array of [...this.taken, ...idle]) {
      if (bytes + array.byteLength > MAX_IDLE_BYTES) continue;
      bytes += array.byteLength;
      kept.push(array);
    }
    idle = kept;
    this.taken.length = 0;
  }
}
