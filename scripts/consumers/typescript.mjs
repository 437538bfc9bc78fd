// A TypeScript app's view of the packed packages: ts/entry-points.ts (generated from the exports
// maps) imports every public entry point, readme-examples.ts calls the README examples with typed
// arguments and precise-types.ts holds `@ts-expect-error` lines that compile only if the result
// types are precise. All must typecheck under "strict": true with each moduleResolution
// (tsconfig.<resolution>.json in the project; typecheck.mjs), and no public type may be `any`.
// browser-app.ts, a browser app's imports, must typecheck without @types/node too.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const RESOLUTIONS = { node16: 'node16', nodenext: 'nodenext', bundler: 'esnext' };
const CONFIGS = [
  ...Object.entries(RESOLUTIONS).map(([resolution, module]) => ({ name: resolution, module, resolution, types: ['node'], include: 'ts' })),
  { name: 'browser', module: 'esnext', resolution: 'bundler', types: [], include: 'ts-browser' },
];

/** The specifiers of a package's public entry points, from its exports map. */
export function entrySpecifiers(manifest) {
  return Object.entries(manifest.exports ?? {})
    .filter(([subpath, entry]) => subpath !== './package.json' && typeof entry === 'object')
    .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

function writeProject(dir, specifiers) {
  const src = join(dir, 'ts');
  mkdirSync(src, { recursive: true });
  const imports = specifiers.map((specifier, i) => `import * as entry${i} from '${specifier}';`);
  writeFileSync(join(src, 'entry-points.ts'), `${imports.join('\n')}\nexport const entryPoints = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];\n`);
  for (const file of ['readme-examples.ts', 'precise-types.ts']) copyFileSync(join(here, 'typescript', file), join(src, file));
  mkdirSync(join(dir, 'ts-browser'), { recursive: true });
  copyFileSync(join(here, 'typescript', 'browser-app.ts'), join(dir, 'ts-browser', 'browser-app.ts'));
  for (const { name, module, resolution, types, include } of CONFIGS) {
    const compilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types,
      module,
      moduleResolution: resolution,
    };
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, include: [`${include}/*.ts`] }, null, 2));
  }
}

/** [name, fn] checks for `dir`, which has the packages, typescript and @types/node installed. */
export function typescriptChecks(dir, libraries) {
  const specifiers = libraries.flatMap(entrySpecifiers);
  let results;
  const typecheck = () => {
    if (results === undefined) {
      try {
        writeProject(dir, specifiers);
        const configs = CONFIGS.map(({ name }) => `tsconfig.${name}.json`);
        const args = [join(here, 'typecheck.mjs'), join('ts', 'entry-points.ts'), ...configs];
        results = JSON.parse(execFileSync('node', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }));
      } catch (error) {
        results = { error };
      }
    }
    if (results.error) throw results.error;
    return results;
  };
  const fail = (problems) => {
    if (problems.length > 0) throw new Error(problems.join('\n'));
  };
  return [
    ...Object.keys(RESOLUTIONS).map((resolution) => [
      `TypeScript "strict", moduleResolution ${resolution}: ${specifiers.join(', ')} and the README examples typecheck; imprecise types fail`,
      () => fail(typecheck().errors[`tsconfig.${resolution}.json`]),
    ]),
    [
      'TypeScript "strict", moduleResolution bundler, without @types/node: a browser app importing @ig/core, @ig/core/wasm, @ig/onnx, @ig/onnx/web and @ig/tfjs typechecks',
      () => fail(typecheck().errors['tsconfig.browser.json']),
    ],
    ['no public type of those entry points is `any` (scripts/consumers/public-any.mjs)', () => fail(typecheck().any.map((path) => `${path}: any`))],
  ];
}
