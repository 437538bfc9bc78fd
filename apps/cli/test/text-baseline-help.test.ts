import { describe, expect, it } from 'vitest';
import { ROBERTA_BASELINE_HELP } from '../src/text/token-options.js';
import { ig } from './helpers.js';

describe('--help of the commands that explain texts', () => {
  it.each(['explain', 'batch', 'hierarchy'])('ig %s says what the baseline holds for RoBERTa-style models', (command) => {
    const run = ig([command, '--help']);
    expect(run.code).toBe(0);
    // commander wraps the help at the terminal's width
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(ROBERTA_BASELINE_HELP);
  });
});
