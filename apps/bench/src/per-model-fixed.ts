/**
 * The fixed rule a user sets once per model, as Captum's `n_steps`: per (model, variant,
 * tolerance), the smallest N of the steady ladder at which a rule meets the tolerance on every
 * bench image of that model at once, against the adaptive rule's evaluations on each image. A
 * per-image smallest N (`bestFixed` in each row) can only be known by trying N on that input.
 */
interface LadderErrors {
  readonly steady?: { readonly errors: Readonly<Record<string, number>> };
}

export interface BenchRow {
  readonly model: string;
  readonly variant: string;
  readonly image: number;
  readonly tolerance: number;
  readonly adaptive: { readonly evaluations: number; readonly reached: boolean };
  readonly 'gauss-legendre': LadderErrors;
  readonly 'riemann-trapezoid': LadderErrors;
}

const RULES = ['gauss-legendre', 'riemann-trapezoid'] as const;

/** The smallest N whose error is within `tolerance` on every image (errors at the same ladder). */
function commonN(ladders: readonly (Readonly<Record<string, number>> | undefined)[], tolerance: number): number | null {
  const first = ladders[0];
  if (first === undefined || ladders.some((l) => l === undefined)) return null;
  const ns = Object.keys(first)
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of ns) if (ladders.every((l) => (l?.[n] ?? Number.POSITIVE_INFINITY) <= tolerance)) return n;
  return null;
}

export function perModelFixed(rows: readonly BenchRow[]) {
  const groups = new Map<string, BenchRow[]>();
  for (const row of rows) {
    const key = `${row.model}|${row.variant}|${row.tolerance}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const { model, variant, tolerance } = group[0] as BenchRow;
    const fixed = Object.fromEntries(
      RULES.map((rule) => [
        rule,
        commonN(
          group.map((row) => row[rule].steady?.errors),
          tolerance,
        ),
      ]),
    ) as Record<(typeof RULES)[number], number | null>;
    const ns = Object.values(fixed).filter((n): n is number => n !== null);
    const best = ns.length > 0 ? Math.min(...ns) : null;
    const adaptive = group.map((row) => (row.adaptive.reached ? row.adaptive.evaluations : null));
    const most = adaptive.every((n) => n !== null) ? Math.max(...(adaptive as number[])) : null;
    return {
      model,
      variant,
      tolerance,
      images: group.map((row) => row.image),
      fixed,
      bestFixed: best,
      adaptive,
      adaptiveMostOverBestFixed: best === null || most === null ? null : most / best,
    };
  });
}
