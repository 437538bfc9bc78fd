#!/usr/bin/env node
// Packs every publishable package with `pnpm pack` and, for each, installs what its README's
// install line names into a scratch project outside the repository (the @ig tarballs instead of
// the registry; onnxruntime and TensorFlow.js from the registry at the versions the repository
// tests, with ONNXRUNTIME_NODE_INSTALL=skip as the README says), then runs the README's example
// from there (scripts/package-readme.mjs reads it), imports each entry point, and measures the
// project's node_modules. The CLI gets one project per engine (its README's `npm install -g`
// lines, installed locally: a global install would look for the other @ig packages on the
// registry): each README command runs where its engine is installed and, where it is not, must
// fail saying which package to install.
// One more project holds every library with TypeScript, esbuild and the runtimes, and checks how
// apps consume them (scripts/consumers/index.mjs): strict TypeScript under each moduleResolution,
// require() from CommonJS, and a browser bundle whose attributions in Chromium match Node's.
// Install sizes go to bench-results/install-sizes.json.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readmeOpening, shellCommands } from './package-readme.mjs';
import { consumerChecks, consumerPackages } from './consumers/index.mjs';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'ig-pack-'));
const tarballs = join(scratch, 'tarballs');
const installEnv = {
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
const sizes = [];
let passed = 0;
let failed = 0;

function run(command, args, cwd, env = process.env) {
  return execFileSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
}

function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed++;
    console.log(`  ✗ ${name}\n${String(error.stderr || error.message || error)}`);
  }
}

const packages = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((dir) => join(root, group, dir)))
  .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));
// The runtime versions the repository's own tests run on (the packages' devDependencies).
const testedVersions = Object.assign({}, ...packages.map(({ manifest }) => manifest.devDependencies ?? {}));

/** npm install arguments for a README's package list: @ig packages (and the @ig packages they depend on) as tarballs, the rest pinned. */
function installArguments(names) {
  const ig = new Set();
  const visit = (name) => {
    if (ig.has(name)) return;
    ig.add(name);
    for (const dep of Object.keys(byName.get(name)?.manifest.dependencies ?? {})) if (byName.has(dep)) visit(dep);
  };
  const others = [];
  for (const name of names) {
    if (byName.has(name)) visit(name);
    else if (name.startsWith('@ig/')) throw new Error(`${name} is not a publishable package of this repository`);
    else others.push(/^@?[^@]+$/.test(name) && /^\d/.test(testedVersions[name] ?? '') ? `${name}@${testedVersions[name]}` : name);
  }
  return [...[...ig].map((name) => byName.get(name).tarball), ...others];
}

/** Projects to install: { dir, install, what, args }, filled in before any check runs. */
const projects = [];

/** A fresh project for the README's install line; installed later, all at once (installAll). */
function scratchProject(label, install, what) {
  const dir = join(scratch, label);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${label}`, private: true, type: 'module' }));
  const project = { dir, install, what, args: installArguments(install.packages) };
  projects.push(project);
  return project;
}

/** Runs every project's npm install in parallel (they wait on the network and the disk, not the CPU). */
async function installAll() {
  const npmInstall = promisify(execFile);
  await Promise.all(
    projects.map(async (project) => {
      try {
        await npmInstall('npm', ['install', '--no-package-lock', ...project.args], { cwd: project.dir, env: installEnv, maxBuffer: 64 << 20 });
      } catch (error) {
        project.error = error;
      }
    }),
  );
}

/** The install's own check, and its node_modules size. */
function checkInstall({ dir, install, what, args, error }) {
  check(`${what}: \`${install.line.replace(/\s+#.*$/, '')}\` installs into a project outside the repository`, () => {
    if (error) throw error;
    const mib = (path) => Math.round(Number(run('du', ['-sk', path], dir).split('\t')[0]) / 102.4) / 10;
    const installed = args.map((a) => (a.endsWith('.tgz') ? a.split('/').pop() : a));
    sizes.push({
      install: what,
      command: `npm install ${install.packages.join(' ')}`,
      installed,
      mib: mib('node_modules'),
      igPackagesMib: mib('node_modules/@ig'),
    });
  });
}

function importEntries(manifest, dir) {
  for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json' || typeof entry !== 'object') continue;
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    check(`import('${specifier}') from the scratch project`, () => {
      const script = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports');`;
      try {
        run('node', ['--input-type=module', '-e', script], dir);
      } catch (error) {
        // An entry point that needs an optional peer the project lacks must say so by name.
        const missing = Object.keys(manifest.peerDependenciesMeta ?? {}).find((peer) => String(error.stderr).includes(`'${peer}'`));
        if (missing === undefined) throw error;
        console.log(`    (needs optional peer ${missing}, not installed here)`);
      }
    });
  }
  check(`${manifest.name} ships its README, LICENSE and type declarations`, () => {
    for (const file of ['README.md', 'LICENSE', 'dist/index.d.ts']) {
      if (!existsSync(join(dir, 'node_modules', manifest.name, file))) throw new Error(`${manifest.name}: ${file} missing from the tarball`);
    }
  });
}

/** A library: one project with its README install line; returns the checks to run once installed. */
function planLibrary({ dir: packageDir, manifest }) {
  const { installs, example } = readmeOpening(join(packageDir, 'README.md'));
  const project = scratchProject(manifest.name.replace('@ig/', ''), installs[0], manifest.name);
  copyFileSync(join(root, 'apps', 'cli', 'assets', 'small_cnn.onnx'), join(project.dir, 'model.onnx'));
  return () => {
    checkInstall(project);
    check(`${manifest.name}: the README example runs`, () => {
      writeFileSync(join(project.dir, 'example.mjs'), example.code);
      const out = run('node', ['example.mjs'], project.dir);
      if (out.trim() === '' || /NaN/.test(out)) throw new Error(`the example printed ${JSON.stringify(out)}`);
    });
    importEntries(manifest, project.dir);
  };
}

/** The CLI: one project per README install line (engine); every README command runs in each. */
function planCli({ dir: packageDir, manifest }) {
  const { installs, example } = readmeOpening(join(packageDir, 'README.md'));
  const runs = installs.map((install) => {
    const engine = install.packages.some((name) => name.startsWith('onnxruntime')) ? 'onnx' : 'tfjs';
    const project = scratchProject(`cli-${engine}`, install, `${manifest.name} for ${engine === 'onnx' ? 'ONNX' : 'TensorFlow.js'} models`);
    copyFileSync(join(packageDir, 'assets', 'small_cnn.onnx'), join(project.dir, 'model.onnx'));
    copyFileSync(join(packageDir, 'assets', 'sample0.npy'), join(project.dir, 'input.npy'));
    return () => {
      checkInstall(project);
      const env = { ...process.env, PATH: `${join(project.dir, 'node_modules', '.bin')}:${process.env.PATH}` };
      for (const command of shellCommands(example.code.split('\n'))) {
        // A command naming onnx (an .onnx model, the small-cnn-onnx bundle) needs the ONNX engine.
        const needs = /onnx/.test(command) ? 'onnx' : 'tfjs';
        check(`[${engine} installed] \`${command}\` ${needs === engine ? 'runs' : 'says how to add the other engine'}`, () => {
          const result = spawnSync('bash', ['-c', command], { cwd: project.dir, env, encoding: 'utf8' });
          if (needs === engine && result.status !== 0) throw new Error(`exit ${result.status}\n${result.stderr}`);
          if (needs !== engine && !(result.status === 1 && /needs \S+, which is not installed; add it .*`npm install [^`]+`/.test(result.stderr))) {
            throw new Error(`expected exit 1 naming the missing runtime; got exit ${result.status}\n${result.stderr}`);
          }
        });
      }
      importEntries(manifest, project.dir);
    };
  });
  return () => runs.forEach((checks) => checks());
}

/** The consumer project (not an install line of a README, so no install size). */
function planConsumers() {
  const names = consumerPackages(root);
  const project = scratchProject('consumers', { line: `npm install ${names.join(' ')}`, packages: names }, 'consumers');
  const onnx = byName.get('@ig/onnx');
  return async () => {
    check(`consumer project: \`${project.install.line}\` installs`, () => {
      if (project.error) throw project.error;
    });
    if (project.error) return;
    const manifests = new Map([...byName].map(([name, p]) => [name, p.manifest]));
    const model = join(root, 'apps', 'cli', 'assets', 'small_cnn.onnx');
    const start = performance.now();
    await consumerChecks(project.dir, { manifests, onnxReadme: join(onnx.dir, 'README.md'), model, check });
    console.log(`    (the consumer checks took ${((performance.now() - start) / 1000).toFixed(1)} s after the install)`);
  };
}

try {
  mkdirSync(tarballs, { recursive: true });
  for (const p of packages) {
    const out = run('pnpm', ['pack', '--pack-destination', tarballs], p.dir).trim().split('\n');
    p.tarball = out.find((line) => line.endsWith('.tgz')) ?? '';
  }
  console.log(`packed ${packages.map((p) => p.manifest.name).join(', ')} into ${tarballs}`);
  const plans = [];
  for (const p of packages) {
    try {
      plans.push((p.manifest.bin ? planCli : planLibrary)(p));
    } catch (error) {
      check(`${p.manifest.name}: README opening`, () => {
        throw error;
      });
    }
  }
  plans.push(planConsumers());
  await installAll();
  for (const checks of plans) await checks();
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const npm = run('npm', ['--version'], root).trim();
  writeFileSync(
    join(root, 'bench-results', 'install-sizes.json'),
    `${JSON.stringify({ script: 'node scripts/check-packages.mjs', node: process.version, npm, platform: `${process.platform}-${process.arch}`, unit: 'MiB of node_modules (du -sk)', installs: sizes }, null, 2)}\n`,
  );
  for (const s of sizes) console.log(`    ${s.install}: ${s.mib} MiB, of which @ig packages ${s.igPackagesMib} MiB (${s.command})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
