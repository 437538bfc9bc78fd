// A throwaway copy of the repository (HEAD plus the working changes) to mutate, so that the
// developer's checkout is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4000);
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}) in ${opts.cwd ?? '.'}\n${output}`);
  }
  return result.stdout;
}

/** Copies HEAD, applies the uncommitted diff and the untracked files, installs offline and builds. */
export function createScratch(repo, log) {
  const dir = mkdtempSync(join(tmpdir(), 'ig-mutation-'));
  log(`scratch copy: ${dir}`);
  const tar = execFileSync('git', ['-C', repo, 'archive', '--format=tar', 'HEAD'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  const diff = execFileSync('git', ['-C', repo, 'diff', '--binary', 'HEAD'], { maxBuffer: 1 << 30 });
  if (diff.length > 0) {
    writeFileSync(join(dir, '.working.patch'), diff);
    run('git', ['apply', '--whitespace=nowarn', '.working.patch'], { cwd: dir });
    rmSync(join(dir, '.working.patch'));
  }
  const untracked = run('git', ['-C', repo, 'ls-files', '--others', '--exclude-standard', '-z']).split('\0').filter(Boolean);
  for (const file of untracked) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repo, file), join(dir, file));
  }
  log('pnpm install --offline --frozen-lockfile');
  run('pnpm', ['install', '--offline', '--frozen-lockfile'], { cwd: dir });
  log('pnpm build');
  run('pnpm', ['build'], { cwd: dir, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  return dir;
}

/** Rebuilds one workspace package (its dependents read its dist). */
export function buildPackage(dir, name) {
  run('pnpm', ['--filter', name, 'build'], { cwd: dir });
}

export function removeScratch(dir) {
  rmSync(dir, { recursive: true, force: true });
}
