#!/usr/bin/env node
// Checks that `pnpm release` would work, without publishing: `pnpm publish -r --dry-run` packs
// every public package (its summary must list each with its README, LICENSE and types), and the
// pending changesets take every public package to a 0.x version ≥ 0.1.0 (exactly 0.1.0 from
// 0.0.0, the first release); a major bump or a package left at 0.0.0 fails.
// Each public package.json must also pass scripts/package-manifest.mjs (exports, types first,
// sideEffects, files, engines, repository, license, keywords, peer ranges the tests satisfy).
// Needs the packages built (dist/) and git history with the base branch for `changeset status`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { manifestProblems } from './package-manifest.mjs';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'ig-release-'));
const problems = [];

const workspace = ['packages', 'apps', 'tools', 'examples']
  .flatMap((group) => readdirSync(join(root, group)).map((dir) => join(root, group, dir, 'package.json')))
  .filter((file) => existsSync(file))
  .map((file) => ({ dir: dirname(file), manifest: JSON.parse(readFileSync(file, 'utf8')) }));
const publicPackages = workspace.filter(({ dir, manifest }) => manifest.private !== true && !dir.includes('/examples/')).map(({ manifest }) => manifest);
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The versions the repository tests with: exact versions in any workspace package's dependencies.
const tested = Object.fromEntries(
  workspace
    .flatMap(({ manifest }) => Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }))
    .filter(([, version]) => /^\d+\.\d+\.\d+$/.test(version)),
);

function run(command, args) {
  return execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function parseVersion(version) {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version ?? '');
  return match ? match.slice(1).map(Number) : null;
}

for (const { dir, manifest } of workspace.filter((p) => publicPackages.includes(p.manifest))) {
  const { problems: found, notes } = manifestProblems(dir, manifest, { root, rootManifest, tested, repositoryUrl: rootManifest.repository?.url });
  problems.push(...found);
  for (const note of notes) console.log(`  (${note})`);
}

try {
  run('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks', '--report-summary']);
  const summary = JSON.parse(readFileSync(join(root, 'pnpm-publish-summary.json'), 'utf8'));
  rmSync(join(root, 'pnpm-publish-summary.json'));
  for (const manifest of publicPackages) {
    const packed = summary.publishedPackages.find((p) => p.name === manifest.name);
    if (!packed) {
      problems.push(`${manifest.name}: not in the dry run of pnpm publish -r`);
      continue;
    }
    const files = new Set(packed.files.map((f) => f.path));
    for (const file of ['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']) {
      if (!files.has(file)) problems.push(`${manifest.name}: ${file} missing from the packed tarball`);
    }
    console.log(
      `  ${manifest.name}: packs ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB (${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked)`,
    );
  }

  const statusFile = join(scratch, 'status.json');
  run('pnpm', ['exec', 'changeset', 'status', '--output', statusFile]);
  const status = JSON.parse(readFileSync(statusFile, 'utf8'));
  for (const manifest of publicPackages) {
    const release = status.releases.find((r) => r.name === manifest.name);
    const next = release?.newVersion ?? manifest.version;
    const [major, minor] = parseVersion(next) ?? [NaN, NaN];
    if (manifest.version === '0.0.0' && next !== '0.1.0') {
      problems.push(
        `${manifest.name}: the first release must be 0.1.0, the changesets give ${next}${next === '0.0.0' ? ' (add a minor changeset for it)' : ''}`,
      );
    } else if (!(major === 0 && minor >= 1)) {
      problems.push(`${manifest.name}: the changesets give ${next}; the packages stay at 0.x (≥ 0.1.0) until the API is declared stable`);
    }
    console.log(`  ${manifest.name}: ${manifest.version} → ${next}${release ? ` (${release.type})` : ' (no pending changeset)'}`);
  }
} catch (error) {
  problems.push(String(error.stderr || error.message || error));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const problem of problems) console.log(`  ✗ ${problem}`);
console.log(problems.length === 0 ? `release check passed (${publicPackages.length} packages)` : `release check failed: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
