import { UsageError } from './errors.js';
import { isImagePath } from './image.js';

/**
 * The options given that only preprocess image inputs (--size, --channels, --normalize, --mean,
 * --std), from a command's parsed options; `--normalize none` changes nothing and is left out.
 */
export function imageOnlyOptions(raw: Readonly<Record<string, unknown>>): string[] {
  const given = (name: string): boolean => typeof raw[name] === 'string';
  return [
    ...(given('size') ? ['--size'] : []),
    ...(given('channels') ? ['--channels'] : []),
    ...(given('normalize') && raw['normalize'] !== 'none' ? ['--normalize'] : []),
    ...(given('mean') ? ['--mean'] : []),
    ...(given('std') ? ['--std'] : []),
  ];
}

/** Refuses image options given with an array input, which is fed as it is: they would do nothing. */
export function refuseImageOptionsForArray(options: readonly string[] | undefined, path: string): void {
  const [option] = options ?? [];
  if (option !== undefined) throw new UsageError(`${option} applies to image inputs; ${path} is an array, given as the model takes it`);
}

/**
 * For inputs of which some are images: the image options apply to those, and the arrays go as
 * they are (said once, by `warn`); where none is an image they would do nothing, and are refused.
 * Returns the options to check each input against: none where some input is an image.
 */
export function imageOptionsAcross(options: readonly string[], paths: readonly string[], where: string, warn?: (line: string) => void): string[] {
  if (options.length === 0) return [];
  const arrays = paths.filter((path) => !isImagePath(path)).length;
  if (arrays === paths.length)
    throw new UsageError(`${options[0] as string} applies to image inputs; every input of ${where} is an array, given as the model takes it`);
  if (arrays > 0)
    warn?.(
      `${options.join(', ')} ${options.length === 1 ? 'applies' : 'apply'} to the image inputs of ${where}; its ${arrays} array input${arrays === 1 ? ' is' : 's are'} given as the model takes ${arrays === 1 ? 'it' : 'them'}`,
    );
  return [];
}
