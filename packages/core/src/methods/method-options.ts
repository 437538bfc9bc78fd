import { InvalidOptionError } from '../errors.js';

/**
 * The options only some methods read, with the methods that read them. `attribute` takes every
 * method's options in one object; one given to a method that does not read it is refused rather
 * than silently ignored (a `baselines` given to saliency, `abs` to integrated-gradients).
 */
const OWNERS: Readonly<Record<string, readonly string[]>> = {
  baselines: ['integrated-gradients', 'guided-ig'],
  multiplyByInputs: ['integrated-gradients'],
  method: ['integrated-gradients'],
  maxSteps: ['integrated-gradients'],
  autoRule: ['integrated-gradients'],
  checkMidpoint: ['integrated-gradients'],
  steps: ['integrated-gradients', 'blur-ig', 'guided-ig'],
  abs: ['saliency'],
  maxSigma: ['blur-ig'],
  gradStep: ['blur-ig'],
  sqrt: ['blur-ig'],
  fraction: ['guided-ig'],
  maxDist: ['guided-ig'],
  references: ['expected-gradients'],
  samples: ['expected-gradients'],
  seed: ['expected-gradients'],
};

function hint(name: string, algorithm: string): string {
  if (name === 'steps') return algorithm === 'expected-gradients' ? '; expected-gradients draws samples' : `; ${algorithm} takes one gradient per example`;
  if (name === 'samples' || name === 'seed') return `; noise over ${algorithm} takes noise.${name}`;
  return '';
}

/** Throws InvalidOptionError naming the first option given that `algorithm` does not read. */
export function checkMethodOptions(algorithm: string, options: object): void {
  for (const [name, owners] of Object.entries(OWNERS)) {
    if ((options as Record<string, unknown>)[name] === undefined || owners.includes(algorithm)) continue;
    throw new InvalidOptionError(`${name} is an option of ${owners.join(', ')}, not ${algorithm}${hint(name, algorithm)}`);
  }
}
