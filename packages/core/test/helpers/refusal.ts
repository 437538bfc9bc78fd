import { expect } from 'vitest';

/** Runs `run` (sync or async) and checks it throws an instance of `type` whose message is `message` (or matches it). */
export async function expectRefusal(run: () => unknown, type: abstract new (...args: never[]) => Error, message: string | RegExp): Promise<void> {
  let caught: unknown = undefined;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  const text = (caught as Error).message;
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
}
