/**
 * Import-cycle check, run by `pnpm lint` over every package, app, tool, example and script
 * (sources, tests and benchmarks; type-only imports count too). Cycles between workspace
 * packages are refused earlier, by pnpm and turbo's package graph; imports of another package
 * resolve to its built `dist`, which is not checked here.
 *
 * `.dependency-cruiser-known-violations.json` lists cycles that existed when the check was
 * added and are being removed by the restructuring of @ig/onnx's src and of the CLI's engine
 * interface; `--ignore-known` lets only those pass. Delete an entry once its cycle is gone; never
 * add one (`depcruise packages apps tools examples scripts --config .dependency-cruiser.cjs
 * --output-type baseline --output-to .dependency-cruiser-known-violations.json` rewrites it).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import one another (directly or through others) cannot be read, tested or loaded one at a time; move the shared part into its own module.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|bench-results|coverage)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
