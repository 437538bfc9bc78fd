#!/usr/bin/env node
// Applies each mutation in scripts/mutation/mutations.mjs to a scratch copy of the repo, runs the
// tests of the packages that should catch it, and reports which mutations survive.
// Usage: pnpm mutation [-- --only id,id] [--list] [--keep] [--no-baseline] [--timeout-min 20] [--out FILE]
// --list prints the mutations and exits 1 if any is stale (a cheap check for CI).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS, PACKAGES } from './mutations.mjs';
import { buildPackage, createScratch, removeScratch } from './scratch.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const log = (message) => console.log(`[mutation] ${message}`);

function parseArgs(argv) {
  const opts = { list: false, keep: false, baseline: true, timeoutMin: 20, out: join(repo, 'mutation-results.json'), only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    else if (arg === '--list') opts.list = true;
    else if (arg === '--keep') opts.keep = true;
    else if (arg === '--no-baseline') opts.baseline = false;
    else if (arg === '--only' && argv[i + 1])
      opts.only = argv[++i]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (arg === '--timeout-min' && argv[i + 1]) opts.timeoutMin = Number(argv[++i]);
    else if (arg === '--out' && argv[i + 1]) opts.out = resolve(argv[++i]);
    else throw new Error(`unknown or incomplete option: ${arg}`);
  }
  return opts;
}

const occurrences = (text, search) => text.split(search).length - 1;

/** Mutations whose search text does not occur exactly once, with the count found. */
function staleMutations(root, mutations) {
  return mutations.map((m) => ({ m, count: occurrences(readFileSync(join(root, m.file), 'utf8'), m.search) })).filter(({ count }) => count !== 1);
}

function selectMutations(only) {
  if (!only) return MUTATIONS;
  const unknown = only.filter((id) => !MUTATIONS.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`unknown mutation id(s): ${unknown.join(', ')} (see --list)`);
  return MUTATIONS.filter((m) => only.includes(m.id));
}

/** Runs a command with a time limit; resolves to { code, timedOut, tail }. */
function runTests(cwd, [cmd, ...args], timeoutMs) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, detached: true, env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } });
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + chunk.toString().replace(/\x1b\[[0-9;]*m/g, '')).slice(-3000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, timedOut, tail });
    });
  });
}

/** The package a source file belongs to. */
const packageOf = (file) => Object.values(PACKAGES).find((p) => file.startsWith(`${p.dir}/`));

/** Tracks which package's dist still holds a mutation, and rebuilds it before it could mislead a test. */
class Builds {
  constructor(dir) {
    this.dir = dir;
    this.dirty = null;
  }
  mutated(pkg) {
    if (this.dirty && this.dirty !== pkg) buildPackage(this.dir, this.dirty.name);
    buildPackage(this.dir, pkg.name);
    this.dirty = pkg;
  }
  clean() {
    if (this.dirty) buildPackage(this.dir, this.dirty.name);
    this.dirty = null;
  }
}

async function judge(dir, builds, mutation, timeoutMs) {
  const path = join(dir, mutation.file);
  const original = readFileSync(path, 'utf8');
  const start = Date.now();
  const row = { id: mutation.id, what: mutation.what, file: mutation.file, kill: mutation.kill, killedBy: [], outcome: 'survived' };
  try {
    writeFileSync(
      path,
      original.replace(mutation.search, () => mutation.replace),
    );
    builds.mutated(packageOf(mutation.file));
    for (const name of mutation.kill) {
      const result = await runTests(join(dir, PACKAGES[name].dir), PACKAGES[name].test, timeoutMs);
      if (result.code !== 0) {
        row.killedBy.push(result.timedOut ? `${name} (timeout)` : name);
        row.outcome = 'killed';
        row.failures = result.tail
          .split('\n')
          .filter((l) => /FAIL|AssertionError|Error:/.test(l))
          .slice(0, 6);
        break;
      }
    }
  } catch (error) {
    row.outcome = 'error';
    row.error = String(error instanceof Error ? error.message : error).slice(0, 2000);
  } finally {
    writeFileSync(path, original);
  }
  row.seconds = Math.round((Date.now() - start) / 1000);
  return row;
}

/** The unmutated suites must pass, or every mutation would look killed. */
async function baseline(dir, mutations, timeoutMs) {
  const names = [...new Set(mutations.flatMap((m) => m.kill))];
  for (const name of names) {
    const start = Date.now();
    const result = await runTests(join(dir, PACKAGES[name].dir), PACKAGES[name].test, timeoutMs);
    log(`baseline ${name}: ${result.code === 0 ? 'passes' : 'FAILS'} (${Math.round((Date.now() - start) / 1000)} s)`);
    if (result.code !== 0) throw new Error(`the unmutated ${name} tests fail; fix them before judging mutations\n${result.tail}`);
  }
}

function printTable(rows) {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\n${pad('mutation', 30)} ${pad('outcome', 9)} ${pad('tests', 6)} ${pad('seconds', 8)} what`);
  for (const r of rows) console.log(`${pad(r.id, 30)} ${pad(r.outcome, 9)} ${pad(r.kill.join(','), 6)} ${pad(r.seconds, 8)} ${r.what}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const mutations = selectMutations(opts.only);
  const stale = staleMutations(repo, mutations);
  if (opts.list) {
    for (const m of mutations) {
      const s = stale.find((x) => x.m === m);
      console.log(`${m.id.padEnd(30)} ${m.kill.join(',').padEnd(6)} ${s ? `STALE (${s.count} matches)` : 'ok'}  ${m.file}: ${m.what}`);
    }
    process.exit(stale.length > 0 ? 1 : 0);
  }
  if (stale.length > 0) {
    for (const { m, count } of stale) console.error(`stale mutation ${m.id}: its search text occurs ${count} times in ${m.file}`);
    process.exit(1);
  }
  const dir = createScratch(repo, log);
  const builds = new Builds(dir);
  const rows = [];
  try {
    if (opts.baseline) await baseline(dir, mutations, opts.timeoutMin * 60_000);
    for (const mutation of mutations) {
      log(`${mutation.id}: ${mutation.what}`);
      const row = await judge(dir, builds, mutation, opts.timeoutMin * 60_000);
      log(`${mutation.id}: ${row.outcome}${row.killedBy.length ? ` by ${row.killedBy.join(', ')}` : ''} (${row.seconds} s)`);
      rows.push(row);
      writeFileSync(opts.out, `${JSON.stringify({ commit: null, rows }, null, 2)}\n`);
    }
  } finally {
    if (opts.keep) {
      builds.clean();
      log(`kept ${dir}`);
    } else removeScratch(dir);
  }
  printTable(rows);
  const head = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const ids = (outcome) => rows.filter((r) => r.outcome === outcome).map((r) => r.id);
  const summary = { killed: ids('killed').length, survived: ids('survived'), errors: ids('error') };
  writeFileSync(opts.out, `${JSON.stringify({ commit: head, date: new Date().toISOString(), summary, rows }, null, 2)}\n`);
  console.log(`\n${summary.killed}/${rows.length} killed; survived: ${summary.survived.join(', ') || 'none'}; results in ${opts.out}`);
  process.exit(summary.survived.length > 0 || summary.errors.length > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
