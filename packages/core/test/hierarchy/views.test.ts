import { describe, expect, it } from 'vitest';
import {
  agglomerate,
  formatScore,
  functionScorer,
  gridUnits,
  hierarchyToAnsi,
  hierarchyToHtml,
  hierarchyToJson,
  InvalidOptionError,
  renderHierarchyLevels,
  sequenceUnits,
  type FeatureGroup,
} from '../../src/index.js';

const w = [1, 6, 0, 2, 1, 5];
const score = (group: FeatureGroup): number => group.reduce((s, f) => s + (w[f] as number), 0) + (group.includes(1) && group.includes(2) ? 10 : 0);
const tokens = ['the', 'not', 'bad', 'movie', 'at', 'all'];

describe('hierarchy views', () => {
  it('HTML: one row per level, root on top, each phrase spanning its tokens with its score', async () => {
    const tree = await agglomerate(functionScorer(score), sequenceUnits(6), { percentileInclude: 80, iterations: 1, absolute: false });
    const html = hierarchyToHtml(tree, tokens);
    const rows = html.split('\n').filter((line) => line.startsWith('<tr>'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('<td colspan="6" style="background:rgb(0,128,0)" title="score 25.00">the not bad movie at all</td>');
    expect(rows[2]).toContain('colspan="3"');
    expect(rows[2]).toContain('title="score 18.00">not bad movie</td>');
    expect(rows[3]?.match(/<td colspan="1"/g)).toHaveLength(6);
    expect(hierarchyToHtml(tree, ['<b>', ...tokens.slice(1)])).toContain('&lt;b&gt;');
  });

  it('terminal: one line per level, phrases bracketed and shaded', async () => {
    const tree = await agglomerate(functionScorer(score), sequenceUnits(6), { percentileInclude: 80, iterations: 1, absolute: false });
    const plain = hierarchyToAnsi(tree, tokens).replace(new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g'), '');
    expect(plain.split('\n')).toEqual([
      '3 [the not bad movie at all]',
      '2 the [not bad movie at all]',
      '1 the [not bad movie] at all',
      '0 the not bad movie at all',
    ]);
    expect(hierarchyToAnsi(tree, tokens)).toContain('\x1b[48;2;0;128;0m');
    expect(() => hierarchyToAnsi(tree, tokens.slice(1))).toThrow(/5 labels for 6 units/);
  });

  it('tree.json: levels of { id, features, score, children }', async () => {
    // two features per token: the same scores as above, spread over each token's features
    const perFeature = (g: FeatureGroup): number => score([...new Set(g.map((f) => Math.floor(f / 2)))]);
    const tree = await agglomerate(functionScorer(perFeature), sequenceUnits(6, 2), { percentileInclude: 80, iterations: 1, absolute: false });
    const json = hierarchyToJson(tree, 1);
    expect(json.levels.map((l) => l.length)).toEqual(tree.levels.map((l) => l.length));
    const last = json.levels[json.levels.length - 1]?.[0];
    expect(last?.features).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(last?.score).toBe(json.fullScore);
    expect(json.fullScore).toBe(25);
    expect(json.levels[1]?.find((n) => n.features.length === 6)?.features).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('image: a panel per level, components outlined in colour and labelled with their scores', async () => {
    const corner = new Set([0, 3, 12, 15]);
    const s = (g: FeatureGroup): number => g.reduce((sum, f) => sum + (corner.has(f) ? 10 : 0), 0) + (g.includes(0) && g.includes(15) ? 7 : 0);
    const tree = await agglomerate(functionScorer(s), gridUnits({ height: 4, width: 4 }), { percentileInclude: 75, iterations: 0 });
    const image = { width: 4, height: 4, data: new Uint8ClampedArray(64).fill(128) };
    const picture = renderHierarchyLevels(tree, image, { levels: [1], zoom: 16 });
    expect([picture.width, picture.height]).toEqual([64, 64]);
    const at = (x: number, y: number): number[] => Array.from(picture.data.subarray((y * picture.width + x) * 4, (y * picture.width + x) * 4 + 3));
    // level 1 joins units 0 and 15 (non-adjacent): each block gets an outline of node id 16's colour
    const colour = at(0, 0);
    expect(colour).not.toEqual([128, 128, 128]);
    expect(at(63, 63)).toEqual(colour);
    expect(at(48, 56)).toEqual(colour);
    expect(at(24, 24)).toEqual([128, 128, 128]);
    expect(at(63, 32)).toEqual([128, 128, 128]);
    expect(at(56, 56)).toEqual([128, 128, 128]);
    // the score label sits on black at the first unit's corner
    expect(at(5, 5)).toEqual([0, 0, 0]);
    expect(formatScore(27)).toBe('27.0');
    expect(formatScore(-0.0012)).toBe('-1.2e-3');
    expect(formatScore(0.5)).toBe('0.500');
    expect(formatScore(0)).toBe('0');
    expect(() => renderHierarchyLevels(tree, image, { levels: [9] })).toThrow(InvalidOptionError);
  });
});
