import { describe, expect, it } from 'vitest';
import { tokensToAnsi, tokensToHtml } from '../../src/visualize/index.js';
import { ShapeMismatchError } from '../../src/errors.js';

describe('token attributions as text', () => {
  it('HTML: green for the strongest positive, half-way red for −half, escaped tokens, legend', () => {
    const html = tokensToHtml(['good', '<b>'], [1, -0.5]);
    expect(html).toContain('style="background-color: rgb(0, 128, 0)" title="1.000">good</span>');
    // −0.5 of scale 1 sits half way from white to red: (255, 127.5, 127.5) → (255, 128, 128)
    expect(html).toContain('rgb(255, 128, 128)" title="-0.5000">&#60;b&#62;</span>');
    expect(html).toContain('class="ig-legend"');
    expect(tokensToHtml(['a'], [0], { legend: false })).not.toContain('ig-legend');
  });
  it('ANSI: 24-bit background colors on a shared scale', () => {
    expect(tokensToAnsi(['up', 'down'], [2, -4], { scale: 4 })).toBe('\u001b[30;48;2;128;192;128mup\u001b[0m \u001b[30;48;2;255;0;0mdown\u001b[0m');
  });
  it('rejects a length mismatch', () => {
    expect(() => tokensToHtml(['a', 'b'], [1])).toThrow(ShapeMismatchError);
  });
});
