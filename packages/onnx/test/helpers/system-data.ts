import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Whether the environment says this is a CI run (CI=true, as .ci/run sets it). */
export const underCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/**
 * Whether `path`, installed by the Debian package `aptPackage`, exists. The tests that read it
 * are meant to be declared with skipIf(!available), so that elsewhere they are reported as
 * skipped; under CI a missing path adds a failing test that names the package to install.
 */
export function systemData(path: string, aptPackage: string): boolean {
  const available = existsSync(path);
  if (!available && underCI) {
    describe(`test data of the Debian package ${aptPackage}`, () => {
      it(`${path} is installed`, () => {
        expect.fail(`${path} is missing under CI=true: install the Debian package ${aptPackage} (apt-get install ${aptPackage}; .ci/run does)`);
      });
    });
  }
  return available;
}
