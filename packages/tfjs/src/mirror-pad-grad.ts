import * as tf from '@tensorflow/tfjs-core';

/**
 * MirrorPad's input gradient: the centre of dy plus each mirrored border folded back onto the
 * entries it copied (reflect mode copies from one entry in, symmetric from the edge). tfjs 4.22
 * returns the centre only, which drops every border's share.
 */
export const mirrorPadGradient: tf.GradConfig = {
  kernelName: 'MirrorPad',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const x = saved[0] as tf.Tensor;
    const paddings = (attrs as unknown as { paddings: [number, number][] }).paddings;
    const offset = (attrs as unknown as { mode: string }).mode === 'reflect' ? 1 : 0;
    return {
      x: () =>
        paddings.reduce((grad, [before, after], axis) => {
          if (before === 0 && after === 0) return grad;
          const size = x.shape[axis] as number;
          const part = (start: number, length: number): tf.Tensor => {
            const begin = grad.shape.map((_, a) => (a === axis ? start : 0));
            const extent = grad.shape.map((d, a) => (a === axis ? length : d));
            return tf.slice(grad, begin, extent);
          };
          const placed = (values: tf.Tensor, start: number): tf.Tensor =>
            tf.pad(
              tf.reverse(values, axis),
              values.shape.map((_, a) => (a === axis ? [start, size - start - (values.shape[a] as number)] : [0, 0])),
            );
          let folded = part(before, size);
          if (before > 0) folded = tf.add(folded, placed(part(0, before), offset));
          if (after > 0) folded = tf.add(folded, placed(part(before + size, after), size - offset - after));
          return folded;
        }, dy as tf.Tensor),
    };
  },
};
