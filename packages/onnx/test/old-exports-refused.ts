/** Models of test/fixtures/old-exports that are refused with a typed error (see old-exports-refusals.test.ts), not differentiated. */
export const REFUSED_OLD_EXPORTS: ReadonlySet<string> = new Set(['out-one']);
