// How apps consume the packed libraries, checked in one scratch project (scripts/check-packages.mjs
// installs it with the others): TypeScript (typescript.mjs), CommonJS (commonjs.mjs) and a
// browser bundle run in Chromium (browser.mjs). TypeScript, @types/node and esbuild are the
// versions the repository builds with; the runtimes those its tests run on.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { browserChecks } from './browser.mjs';
import { commonjsChecks } from './commonjs.mjs';
import { entrySpecifiers, typescriptChecks } from './typescript.mjs';

const LIBRARIES = ['@ig/core', '@ig/onnx', '@ig/tfjs'];

/** What the consumer project installs, given the repository root: the libraries, the runtimes, and pinned tools. */
export function consumerPackages(root) {
  const version = (from, name) => createRequire(join(root, from, 'package.json'))(`${name}/package.json`).version;
  return [
    ...LIBRARIES,
    'onnxruntime-node',
    'onnxruntime-web',
    '@tensorflow/tfjs',
    `typescript@${version('.', 'typescript')}`,
    `@types/node@${version('.', '@types/node')}`,
    `esbuild@${version('tools/browser-harness', 'esbuild')}`,
  ];
}

/**
 * Runs the consumer checks in `dir` (installed with consumerPackages) and reports each through
 * `check(name, fn)`, the caller's synchronous reporter. `manifests` maps package names to their
 * package.json; `onnxReadme` and `model` are @ig/onnx's README and a small ONNX model.
 */
export async function consumerChecks(dir, { manifests, onnxReadme, model, check }) {
  const libraries = LIBRARIES.map((name) => manifests.get(name));
  // check() is synchronous: an async check runs first, then reports its outcome.
  const settled = async (fn) => {
    try {
      await fn();
      return () => undefined;
    } catch (error) {
      return () => {
        throw error;
      };
    }
  };
  for (const [name, fn] of [...typescriptChecks(dir, libraries), ...commonjsChecks(dir, libraries.flatMap(entrySpecifiers))]) check(name, fn);
  for (const [name, fn] of browserChecks(dir, { readme: onnxReadme, model })) check(name, await settled(fn));
}
