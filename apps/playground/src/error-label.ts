/** An error's label for the page: its stable @ig code where it has one (class names do not survive minification). */
export function errorLabel(error: Error): string {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
