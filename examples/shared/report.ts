import type { IntegratedGradientsResult } from '@ig/core';

/** Prints the completeness check Σ attributions ≈ F(x) − F(x') for every explained example. */
export function printCompleteness(result: IntegratedGradientsResult): void {
  for (const report of result.reports) {
    const difference = report.fInput - report.fBaseline;
    console.log(
      `  completeness: Σ attributions = ${report.attributionSum.toFixed(6)}, F(x) − F(x') = ${difference.toFixed(6)}` +
        ` (${report.fInput.toFixed(6)} − ${report.fBaseline.toFixed(6)}), relative error ${(report.relativeError * 100).toFixed(3)}%` +
        ` with ${report.steps} steps`,
    );
    if (report.warning !== undefined) console.log(`  warning: ${report.warning}`);
  }
}
