import type { GradientBackend } from '@ig/core';
import type * as IgTfjs from '@ig/tfjs';
import { UsageError } from '../errors.js';

/**
 * The backend with @ig/tfjs's NonDifferentiableInputError (token ids given as --input) turned
 * into a usage error that says which flags attribute such a model.
 */
export function withInputHints(backend: GradientBackend, igTfjs: typeof IgTfjs, inputCount: number): GradientBackend {
  const explain = (error: unknown): never => {
    if (!(error instanceof igTfjs.NonDifferentiableInputError)) throw error;
    const which = error.names.map((name) => `'${name}'`).join(', ');
    const layer = error.embeddingLayers[0];
    const instead =
      inputCount === 1
        ? `give --layer ${layer ?? '<the first layer with float output>'} to attribute at its output`
        : `--layer takes a model with one input, so attribute this ${inputCount}-input model at ${layer === undefined ? 'a float layer' : `'${layer}'`} with layerIntegratedGradients from @ig/tfjs`;
    throw new UsageError(`model input ${which} has no gradient (token ids or other integer indices feed a lookup); ${instead}`);
  };
  const integrate = backend.integrate?.bind(backend);
  return {
    get name() {
      return backend.name;
    },
    predict: (batch) => backend.predict(batch),
    gradients: (request) => backend.gradients(request).catch(explain),
    ...(integrate === undefined ? {} : { integrate: (request: Parameters<typeof integrate>[0]) => integrate(request).catch(explain) }),
    dispose: () => backend.dispose(),
  };
}
