import { integratedGradients, type GradientBackend } from '@ig/core';
import { IMAGE_SHAPE, sampleImage } from './models.js';

/** Index of the largest logit of the sample image: the class to explain. */
export async function topClass(backend: GradientBackend, image: Float32Array): Promise<number> {
  const logits = await backend.predict({ points: [image], pointShapes: [IMAGE_SHAPE.slice(1)], count: 1 });
  return logits.indexOf(Math.max(...logits));
}

/** IG with Gauss–Legendre on the sample image against a black baseline. */
export async function explainSample(backend: GradientBackend, steps: number, batchSize?: number) {
  const image = sampleImage();
  const target = await topClass(backend, image);
  return integratedGradients(
    backend,
    { data: image, shape: IMAGE_SHAPE },
    { target, steps, method: 'gauss-legendre', ...(batchSize === undefined ? {} : { batchSize }) },
  );
}
