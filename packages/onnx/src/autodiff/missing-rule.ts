/**
 * Why a node on the path cannot be differentiated when no rule, lowering or rewrite covers it.
 * onnxruntime's blocked-layout ops get the way out: they are written for one CPU's vector width
 * when a model is saved after layout optimization, and the file saved one level lower has none.
 */
export function missingRuleReason(domain: string): string {
  return domain === 'com.microsoft.nchwc'
    ? "no gradient rule: onnxruntime's layout optimizer writes this op for one CPU's vector width (graphOptimizationLevel 'all'); save the optimized model with graphOptimizationLevel 'extended' instead"
    : 'no gradient rule';
}
