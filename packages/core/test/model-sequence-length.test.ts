import { describe, expect, it } from 'vitest';
import { modelSequenceLength, type TokenModelShape } from '../src/index.js';

const model = (shape: readonly (number | null)[] | null, maxPositions?: number): TokenModelShape => ({
  inputShapes: new Map([['input_ids', shape]]),
  maxPositions,
});

describe('modelSequenceLength: the length encodeText pads or truncates a text to', () => {
  it("a fixed ids axis wins and pads, whatever the tokenizer's truncation or the position table", () => {
    expect(modelSequenceLength(model([1, 16], 40), 'input_ids', 128)).toEqual({ maxLength: 16, pad: true });
  });

  it("a tokenizer's max_length pads to it, capped by the position table", () => {
    expect(modelSequenceLength(model([null, null], 512), 'input_ids', 128)).toEqual({ maxLength: 128, pad: true });
    expect(modelSequenceLength(model([null, null], 40), 'input_ids', 128)).toEqual({ maxLength: 40, pad: true });
  });

  it('without truncation (most tokenizer.json files) the position table bounds the text, unpadded; else any length', () => {
    expect(modelSequenceLength(model([null, null], 512), 'input_ids', undefined)).toEqual({ maxLength: 512, pad: false });
    expect(modelSequenceLength(model(null), 'input_ids', undefined)).toEqual({ maxLength: undefined, pad: false });
  });
});
