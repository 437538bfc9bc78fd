/** How a message shows a value of the wrong kind: numbers as written, strings quoted, others by type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'bigint') return `the bigint ${String(value)}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return `the symbol ${String(value.description)}`;
  if (Array.isArray(value)) return `an array of ${value.length} values`;
  const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (ArrayBuffer.isView(value) && typeof kind === 'string') return `a ${kind}${'length' in value ? ` of ${String(value.length)} values` : ''}`;
  return typeof kind === 'string' && kind !== 'Object' ? `a ${kind}` : 'an object';
}
