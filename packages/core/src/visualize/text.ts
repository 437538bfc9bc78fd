import { InvalidOptionError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import { RED_WHITE_GREEN, sampleColormap } from './colormap.js';

export interface TokenColorOptions {
  /** Attribution drawn at full color; default the largest magnitude (shared scales pass their own). */
  readonly scale?: number;
}

export interface TokenHtmlOptions extends TokenColorOptions {
  /** Append a red–white–green legend with the scale; default true. */
  readonly legend?: boolean;
}

function checkTokens(tokens: readonly string[], attributions: ArrayLike<number>): void {
  if (tokens.length !== attributions.length) {
    throw new ShapeMismatchError(`${tokens.length} tokens but ${attributions.length} attributions`);
  }
  for (let i = 0; i < attributions.length; i++) {
    const v = attributions[i] as number;
    if (!Number.isFinite(v)) throw new NonFiniteError(`attribution of token ${i}`, i, v);
  }
}

function resolveScale(attributions: ArrayLike<number>, scale: number | undefined): number {
  if (scale !== undefined) {
    if (!(scale > 0 && Number.isFinite(scale))) throw new InvalidOptionError(`scale must be a positive number, got ${String(scale)}`);
    return scale;
  }
  let max = 0;
  for (let i = 0; i < attributions.length; i++) max = Math.max(max, Math.abs(attributions[i] as number));
  return max === 0 ? 1 : max;
}

/** The color of an attribution on the shared scale: red (negative), white (0), green (positive). */
export function tokenColor(attribution: number, scale: number): [number, number, number] {
  const t = (Math.max(-1, Math.min(1, attribution / scale)) + 1) / 2;
  return sampleColormap(RED_WHITE_GREEN, t).map(Math.round) as [number, number, number];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function rgbCss([r, g, b]: readonly number[]): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Tokens as colored `<span>`s, each titled with its attribution, plus an optional legend. */
export function tokensToHtml(tokens: readonly string[], attributions: ArrayLike<number>, options: TokenHtmlOptions = {}): string {
  checkTokens(tokens, attributions);
  const scale = resolveScale(attributions, options.scale);
  const spans = tokens.map((token, i) => {
    const value = attributions[i] as number;
    const color = rgbCss(tokenColor(value, scale));
    return `<span class="ig-token" style="background-color: ${color}" title="${value.toPrecision(4)}">${escapeHtml(token)}</span>`;
  });
  const body = `<div class="ig-tokens">${spans.join(' ')}</div>`;
  if (options.legend === false) return body;
  const legend =
    `<div class="ig-legend">` +
    `<span style="background-color: ${rgbCss(tokenColor(-scale, scale))}">${(-scale).toPrecision(3)}</span> ` +
    `<span style="background-color: ${rgbCss(tokenColor(0, scale))}">0</span> ` +
    `<span style="background-color: ${rgbCss(tokenColor(scale, scale))}">+${scale.toPrecision(3)}</span>` +
    `</div>`;
  return body + legend;
}

/** Tokens with 24-bit ANSI background colors for a terminal, separated by spaces. */
export function tokensToAnsi(tokens: readonly string[], attributions: ArrayLike<number>, options: TokenColorOptions = {}): string {
  checkTokens(tokens, attributions);
  const scale = resolveScale(attributions, options.scale);
  return tokens
    .map((token, i) => {
      const [r, g, b] = tokenColor(attributions[i] as number, scale);
      return `\u001b[30;48;2;${r};${g};${b}m${token}\u001b[0m`;
    })
    .join(' ');
}
