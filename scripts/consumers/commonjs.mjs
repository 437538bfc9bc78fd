// CommonJS consumers: `require('@ig/core')` from a .cjs file. The packages are ES modules; Node
// 20.19+ (and 22.12+) loads them from `require`, and an older Node, which cannot, must fail with
// its own ERR_REQUIRE_ESM (not ERR_PACKAGE_PATH_NOT_EXPORTED, which an exports map with only an
// `import` condition gives). The README says both; `--no-experimental-require-module` gives the
// older behaviour on a newer Node.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// @ig/core's README example, required: F(x) = softplus(w·x), x = (1, 2, 3), baseline 0.
const SCRIPT = `
const { functionBackend, integratedGradients, tensor } = require('@ig/core');
for (const specifier of process.argv.slice(2)) require(specifier);
const w = [0.5, -1.2, 2.0], z = (x) => w.reduce((s, wi, i) => s + wi * x[i], 0);
const backend = functionBackend({
  forward: ([x]) => [Math.log1p(Math.exp(z(x)))],
  gradient: ([x], [seed]) => [Float32Array.from(w, (wi) => (seed / (1 + Math.exp(-z(x)))) * wi)],
});
integratedGradients(backend, tensor([1, 2, 3], [1, 3]), { target: 0 }).then((result) => {
  console.log(JSON.stringify(Array.from(result.attributions[0].data)));
});
`;

/** Σ attributions must equal softplus(4.1) − softplus(0), the closed form of F(x) − F(0). */
function checkCompleteness(stdout) {
  const attributions = JSON.parse(stdout);
  const expected = Math.log1p(Math.exp(0.5 * 1 - 1.2 * 2 + 2.0 * 3)) - Math.log(2);
  const error = Math.abs(attributions.reduce((s, v) => s + v, 0) - expected);
  // Measured 9.1e-8 (float32 attributions summed against the float64 closed form).
  if (!(error < 1e-6)) throw new Error(`Σ attributions ${attributions} misses F(x) − F(0) = ${expected} by ${error}`);
}

/** [name, fn] checks for a project with the packages installed; `specifiers` are every entry point. */
export function commonjsChecks(dir, specifiers) {
  writeFileSync(join(dir, 'require.cjs'), SCRIPT);
  const node = (flags) => spawnSync('node', [...flags, 'require.cjs', ...specifiers], { cwd: dir, encoding: 'utf8' });
  const supported = process.features.require_module === true;
  const checks = [
    [
      supported
        ? `require() of ${specifiers.join(', ')} works on Node ${process.version}, and @ig/core's README example run from a .cjs file meets completeness`
        : `require('@ig/core') on Node ${process.version} fails with ERR_REQUIRE_ESM`,
      () => {
        const result = node([]);
        if (supported) {
          if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stderr}`);
          checkCompleteness(result.stdout);
        } else if (!result.stderr.includes('ERR_REQUIRE_ESM')) throw new Error(`expected ERR_REQUIRE_ESM; got exit ${result.status}\n${result.stderr}`);
      },
    ],
  ];
  if (!supported) return checks;
  // Node < 20.19 cannot load ES modules from require(); this flag gives its behaviour here.
  checks.push([
    'require() where Node cannot load ES modules from it (--no-experimental-require-module, as on Node < 20.19) fails with ERR_REQUIRE_ESM',
    () => {
      const result = node(['--no-experimental-require-module']);
      if (result.status === 0 || !result.stderr.includes('ERR_REQUIRE_ESM'))
        throw new Error(`expected ERR_REQUIRE_ESM; got exit ${result.status}\n${result.stderr}`);
    },
  ]);
  return checks;
}
