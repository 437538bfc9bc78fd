import { statSync } from 'node:fs';

/** A file the run reads, by the option that named it. */
export interface GivenInputFile {
  readonly option: string;
  readonly path: string;
}

/** A file the run reads that no option names: found beside or inside a file or folder that one does. */
export interface CompanionFile {
  readonly path: string;
  /** What it is, as `the external data file /m/w.bin of --model /m/m.onnx`. */
  readonly what: string;
}

/** Options (by attribute name) that name files a run reads; values may be lists and NAME=FILE. */
const INPUT_FILE_OPTIONS: Readonly<Record<string, string>> = {
  model: '--model',
  input: '--input',
  baseline: '--baseline',
  baselineSet: '--baseline-set',
  labels: '--labels',
  tokenizer: '--tokenizer',
  baselineIds: '--baseline-ids',
  targetWeights: '--target-weights',
  regionMask: '--region-mask',
  contextInput: '--context-input',
};

/** `value` and, for NAME=FILE, FILE: whichever exists is the file (a file name may hold '='). */
const candidates = (value: string): string[] => (value.includes('=') ? [value, value.slice(value.indexOf('=') + 1)] : [value]);

/** The files named by the input options among `raw` (a command's parsed options). */
export function givenInputFiles(raw: Readonly<Record<string, unknown>>): GivenInputFile[] {
  return Object.entries(INPUT_FILE_OPTIONS).flatMap(([name, option]) => {
    const value = raw[name];
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    return values.flatMap(candidates).map((path) => ({ option, path }));
  });
}

/** An existing regular file's device and inode, the same whatever links or spelling lead there; undefined for anything else. */
export function fileIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? `${stat.dev}:${stat.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `input` and `output` are one existing file (the same inode, whatever links lead there). */
export function sameFileAs(input: string, output: string): boolean {
  const identity = fileIdentity(input);
  return identity !== undefined && identity === fileIdentity(output);
}
