// What a public package's package.json must hold for npm and for the tools that read it
// (scripts/check-release.mjs runs it): an exports map whose entries put `types` first and exist
// in the package, `main` and `types` for older resolvers, `sideEffects`, `files`, the repository's
// `engines`, `repository` as the root's with the package's folder (none while the root names none), `license` with its LICENSE file,
// `description`, `keywords`, peer dependency ranges that the versions the repository tests
// with (the packages' devDependencies) satisfy, and no output of an earlier build in dist/.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Whether `version` (x.y.z) is in an npm range made of `||`-joined sets of ^, ~, >=, <, = comparators. */
export function satisfies(version, range) {
  const parse = (v) => v.split('.').map(Number);
  const compare = (a, b) => a.reduce((order, x, i) => order || Math.sign(x - b[i]), 0);
  const v = parse(version);
  const allows = (comparator) => {
    const [, op, rest] = /^(\^|~|>=|<=|>|<|=)?(\d+\.\d+\.\d+)$/.exec(comparator) ?? [];
    if (rest === undefined) throw new Error(`range "${range}": "${comparator}" is not a form this check reads`);
    const r = parse(rest);
    const order = compare(v, r);
    if (op === '^') return order >= 0 && (r[0] > 0 ? v[0] === r[0] : v[1] === r[1]);
    if (op === '~') return order >= 0 && v[0] === r[0] && v[1] === r[1];
    return { '>=': order >= 0, '<=': order <= 0, '>': order > 0, '<': order < 0 }[op] ?? order === 0;
  };
  return range.split('||').some((set) => set.trim().split(/\s+/).every(allows));
}

/** Modules in dist/ that no source file compiles to: output of an earlier build, which `files` would publish. */
export function staleOutputs(dir) {
  return readdirSync(join(dir, 'dist'), { recursive: true })
    .filter((file) => file.endsWith('.js'))
    .filter((file) => !['.ts', '.js', '.mts'].some((ext) => existsSync(join(dir, 'src', file.replace(/\.js$/, ext)))))
    .map((file) => join('dist', file));
}

/**
 * Problems with a public package's manifest, and notes (peers no test pins). `root` is the
 * repository, `rootManifest` its package.json, `tested` the versions the repository tests with.
 */
export function manifestProblems(dir, manifest, { root, rootManifest, tested, repositoryUrl }) {
  const problems = [];
  const notes = [];
  const problem = (text) => problems.push(`${manifest.name}: ${text}`);
  for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
    if (typeof entry !== 'object') continue;
    if (Object.keys(entry)[0] !== 'types') problem(`exports["${subpath}"] must list "types" first`);
    if (typeof entry.default !== 'string') problem(`exports["${subpath}"] needs a "default" condition (require() and bundlers read it)`);
    for (const file of Object.values(entry)) if (!existsSync(join(dir, file))) problem(`exports["${subpath}"] names ${file}, which the build did not write`);
  }
  if (!manifest.exports?.['.']) problem('no exports["."]');
  for (const field of ['main', 'types'])
    if (typeof manifest[field] !== 'string' || !existsSync(join(dir, manifest[field]))) problem(`"${field}" is missing or names no file`);
  if (manifest.type !== 'module') problem('"type" must be "module"');
  if (!(typeof manifest.sideEffects === 'boolean' || Array.isArray(manifest.sideEffects))) problem('"sideEffects" is missing');
  if (!Array.isArray(manifest.files) || !['dist', 'README.md', 'LICENSE'].every((f) => manifest.files.includes(f)))
    problem('"files" must name dist, README.md and LICENSE');
  if (manifest.engines?.node !== rootManifest.engines.node) problem(`"engines.node" must be the repository's "${rootManifest.engines.node}"`);
  const folder = relative(root, dir);
  // The root's repository, once it names one, with the package's folder; none while it names none.
  if (repositoryUrl === undefined) {
    if (manifest.repository !== undefined) problem('"repository" is set but the root package.json names no repository');
  } else {
    const repository = manifest.repository ?? {};
    if (repository.type !== 'git' || repository.url !== repositoryUrl || repository.directory !== folder) {
      problem(`"repository" must be { "type": "git", "url": "${repositoryUrl}", "directory": "${folder}" }`);
    }
  }

  if (manifest.license !== 'MIT' || !existsSync(join(dir, 'LICENSE'))) problem('"license" must be "MIT", with the LICENSE file beside package.json');
  if (!manifest.description) problem('no "description"');
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) problem('no "keywords"');
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
    const version = tested[peer];
    if (version === undefined) {
      if (manifest.peerDependenciesMeta?.[peer]?.optional === true) notes.push(`${manifest.name}: optional peer ${peer} ${range} is not pinned by any test`);
      else problem(`peer ${peer} ${range}: no package of the repository tests with it`);
    } else if (!satisfies(version, range)) problem(`peer ${peer} ${range} does not admit ${version}, the version the tests use`);
  }
  const stale = staleOutputs(dir);
  if (stale.length > 0)
    problem(
      `dist/ holds ${stale.length} module(s) no source file builds, which would be published (${stale.slice(0, 3).join(', ')}, …): rebuild (the build script empties dist/ first)`,
    );
  return { problems, notes };
}
