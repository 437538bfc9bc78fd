// A web app built from the packed packages: web-app/app.js imports @ig/core, @ig/onnx/web and
// @ig/tfjs with @tensorflow/tfjs, and is bundled for the browser and served as @ig/onnx's README
// says (its esbuild block, run as written: the bundle, and onnxruntime-web's wasm files in ort/).
// The build must not warn or pull Node code in; in Chromium the page's attributions must match
// Node's (web-app/node-side.mjs) to float32 precision and meet completeness.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellCommands } from '../package-readme.mjs';
import { chromiumAvailable, openPage } from '../../tools/browser-harness/dist/index.js';

const here = join(import.meta.dirname, 'web-app');
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const NODE_ONLY = /(^|\/)node_modules\/(onnxruntime-node|@tensorflow\/tfjs-node)\/|@ig\/onnx\/dist\/(node|model-file|cache\/file-cache)\.js$/;

/** The README's bundling block: the ```sh block after the "### With esbuild" heading, and the js block after it. */
export function readmeBundling(readme) {
  const section = readFileSync(readme, 'utf8')
    .split(/^### With esbuild.*$/m)[1]
    ?.split(/^##/m)[0];
  const blocks = [...(section ?? '').matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)];
  const sh = blocks.find((b) => b[1] === 'sh');
  const js = blocks.find((b) => b[1] === 'js');
  if (!sh || !js) throw new Error(`${readme}: a "### With esbuild" section with a \`\`\`sh and a \`\`\`js block`);
  return { commands: shellCommands(sh[2].trimEnd().split('\n')), code: js[2].trim().split('\n') };
}

/** Runs the README's commands in `dir` (the esbuild one also writes a metafile); throws on an error, a warning or Node modules in the bundle. */
function build(dir, commands) {
  for (const command of commands) {
    const withMeta = command.includes('esbuild ') ? `${command} --metafile=esbuild-meta.json --log-level=warning` : command;
    let out;
    try {
      out = execFileSync('bash', ['-c', `${withMeta} 2>&1`], { cwd: dir, encoding: 'utf8' });
    } catch (error) {
      throw new Error(`\`${command}\` failed:\n${error.stdout}`);
    }
    if (/\[(WARNING|ERROR)\]/.test(out)) throw new Error(`\`${command}\`:\n${out}`);
  }
  const meta = JSON.parse(readFileSync(join(dir, 'esbuild-meta.json'), 'utf8'));
  const leaks = Object.entries(meta.inputs).flatMap(([input, { imports }]) => [
    ...(NODE_ONLY.test(input) ? [input] : []),
    ...imports.filter((i) => BUILTINS.has(i.path)).map((i) => `${input} imports ${i.path}`),
  ]);
  if (leaks.length > 0) throw new Error(`Node-only code in the browser bundle:\n${leaks.join('\n')}`);
}

async function pageResults(site) {
  const session = await openPage({
    files: { '/': readFileSync(join(site, 'index.html'), 'utf8') },
    directories: { '/': site },
    ready: `!document.querySelector('#result').textContent.startsWith('computing')`,
  });
  try {
    const result = JSON.parse((await session.page.textContent('#result')) ?? '');
    if (result.error) throw new Error(`the page failed: ${result.error}`);
    return result;
  } finally {
    await session.close();
  }
}

/** Relative deviation of the page's attributions from Node's, and the page's completeness error Σ attr − (F(x) − F(x')) relative to F(x) − F(x'). */
function compare(page, node) {
  const scale = node.attributions.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const deviation = Math.max(...page.attributions.map((v, i) => Math.abs(v - node.attributions[i]))) / scale;
  const sum = page.attributions.reduce((s, v) => s + v, 0);
  const completeness = Math.abs(sum - (page.fInput - page.fBaseline)) / Math.abs(page.fInput - page.fBaseline);
  return { deviation, completeness, backends: `${page.backend} in Chromium, ${node.backend} in Node` };
}

// Measured: onnx 8.9e-8 (wasm against onnxruntime-node kernels, summation order); tfjs 0 (tfjs's cpu
// kernels are the same JavaScript on both sides; 1e-7 allows for a change in Chromium's Math).
// Completeness: onnx 9.4e-4 (32 Gauss–Legendre steps across the CNN's ReLU kinks), tfjs 1.2e-7.
const TOLERANCES = { onnx: { deviation: 5e-7, completeness: 2e-3 }, tfjs: { deviation: 1e-7, completeness: 1e-6 } };

/** [name, async fn] checks for a project with the packages, onnxruntime-web, @tensorflow/tfjs and esbuild installed. */
export function browserChecks(dir, { readme, model }) {
  const site = join(dir, 'site');
  let built = false;
  const checks = [
    [
      'a web app importing @ig/core, @ig/onnx/web and @ig/tfjs bundles for the browser as the @ig/onnx README says, with no warning and no Node module in it',
      async () => {
        const { commands, code } = readmeBundling(readme);
        for (const file of ['app.js', 'cases.js', 'node-side.mjs']) copyFileSync(join(here, file), join(dir, file));
        const app = readFileSync(join(dir, 'app.js'), 'utf8');
        for (const line of code.filter((l) => !l.startsWith('//'))) {
          if (!app.includes(line.replace(/\s+\/\/.*$/, ''))) throw new Error(`web-app/app.js does not do what the README says: ${line}`);
        }
        build(dir, commands);
        mkdirSync(site, { recursive: true });
        copyFileSync(join(here, 'index.html'), join(site, 'index.html'));
        copyFileSync(model, join(site, 'model.onnx'));
        built = true;
      },
    ],
  ];
  if (!chromiumAvailable()) return checks;
  checks.push([
    'in Chromium, the bundled app computes the attributions Node computes (onnxruntime-web/wasm against onnxruntime-node, tfjs cpu against tfjs cpu), and completeness holds',
    async () => {
      if (!built) throw new Error('the app did not build');
      const node = JSON.parse(execFileSync('node', ['node-side.mjs'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      const page = await pageResults(site);
      const problems = [];
      for (const [name, limits] of Object.entries(TOLERANCES)) {
        const { deviation, completeness, backends } = compare(page[name], node[name]);
        console.log(
          `    ${name} (${backends}): attributions deviate by ${deviation.toExponential(2)} of max |attr|, completeness error ${completeness.toExponential(2)}`,
        );
        if (!(deviation <= limits.deviation)) problems.push(`${name}: deviation ${deviation} > ${limits.deviation}`);
        if (!(completeness <= limits.completeness)) problems.push(`${name}: completeness error ${completeness} > ${limits.completeness}`);
      }
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
  ]);
  return checks;
}
