// The opening of a package README as scripts/check-packages.mjs runs it: the first fenced block is
// `sh` with the install line(s) (`npm install …`, one per engine for the CLI), the second is the
// example (`js` for a library, `sh` commands for the CLI), at most 10 lines, both before the first
// `##` heading.
import { readFileSync } from 'node:fs';

export const MAX_EXAMPLE_LINES = 10;

/** The fenced blocks before the first `##` heading, in order: { lang, lines }. */
function openingBlocks(text) {
  const opening = text.split(/^## /m)[0];
  return [...opening.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], lines: m[2].replace(/\n$/, '').split('\n') }));
}

/** Shell lines with `\` continuations joined and `#` comments (outside quotes) removed. */
export function shellCommands(lines) {
  const joined = lines
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  return joined.map((line) => line.replace(/\s+#(?=(?:[^'"]|'[^']*'|"[^"]*")*$).*$/, '').trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * `{ installs, example }`: installs are the package lists of the `npm install` lines (flags such
 * as `-g` dropped, each with its comment); example is `{ lang, code }`. Throws naming the README
 * and what is missing.
 */
export function readmeOpening(path) {
  const [install, example] = openingBlocks(readFileSync(path, 'utf8'));
  if (install?.lang !== 'sh') throw new Error(`${path}: the first block before any "## " heading must be \`\`\`sh with the install line`);
  const installs = install.lines
    .filter((line) => line.startsWith('npm install '))
    .map((line) => ({
      line,
      packages: shellCommands([line])[0]
        .split(/\s+/)
        .slice(2)
        .filter((word) => !word.startsWith('-')),
    }));
  if (installs.length === 0) throw new Error(`${path}: the install block has no "npm install" line`);
  if (example === undefined || !['js', 'sh'].includes(example.lang))
    throw new Error(`${path}: the second block before any "## " heading must be the example (\`\`\`js or \`\`\`sh)`);
  if (example.lines.length > MAX_EXAMPLE_LINES) throw new Error(`${path}: the example has ${example.lines.length} lines; at most ${MAX_EXAMPLE_LINES}`);
  return { installs, example: { lang: example.lang, code: example.lines.join('\n') } };
}
