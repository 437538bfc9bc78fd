#!/usr/bin/env node
// Packs every publishable package with `pnpm pack`, installs the tarballs with npm into a
// scratch project outside the repository, and imports each entry point from there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'ig-pack-'));
const tarballs = join(scratch, 'tarballs');
const project = join(scratch, 'project');
let passed = 0;
let failed = 0;

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed++;
    console.log(`  ✗ ${name}\n${String(error.stderr ?? error.message ?? error)}`);
  }
}

try {
  const packages = ['packages', 'apps']
    .flatMap((group) => readdirSync(join(root, group)).map((dir) => join(root, group, dir)))
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
  run('mkdir', ['-p', tarballs, project], root);
  const files = [];
  for (const { dir } of packages) {
    const out = run('pnpm', ['pack', '--pack-destination', tarballs], dir).trim().split('\n');
    files.push(out.find((line) => line.endsWith('.tgz')) ?? '');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  console.log(`packed ${packages.map((p) => p.manifest.name).join(', ')} into ${tarballs}`);
  check('npm installs the tarballs into a project outside the repository', () => {
    run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...readdirSync(tarballs).map((f) => join(tarballs, f))], project);
  });
  for (const { manifest } of packages) {
    for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
      if (subpath === './package.json' || typeof entry !== 'object') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      check(`import('${specifier}') from the scratch project`, () => {
        const script = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports'); console.log(Object.keys(m).length);`;
        const optional = manifest.peerDependenciesMeta ?? {};
        try {
          run('node', ['--input-type=module', '-e', script], project);
        } catch (error) {
          // An entry point that needs an optional peer the scratch project lacks must say so by name.
          const missing = Object.keys(optional).find((peer) => String(error.stderr).includes(`'${peer}'`));
          if (missing === undefined) throw error;
          console.log(`    (needs optional peer ${missing}, not installed in the scratch project)`);
        }
      });
    }
    for (const bin of Object.keys(manifest.bin ?? {})) {
      check(`the '${bin}' command runs its demo from the scratch project`, () => {
        run(join(project, 'node_modules', '.bin', bin), ['demo'], project);
        if (!existsSync(join(project, `${bin}-demo`))) throw new Error(`${bin} demo wrote no ${bin}-demo/ folder`);
      });
    }
    check(`${manifest.name} ships its README, LICENSE and type declarations`, () => {
      const installed = join(project, 'node_modules', manifest.name);
      for (const file of ['README.md', 'LICENSE', 'dist/index.d.ts']) {
        if (!existsSync(join(installed, file))) throw new Error(`${manifest.name}: ${file} missing from the tarball`);
      }
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
