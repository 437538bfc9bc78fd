/**
 * Where output files go when the path is not a plain file: a symbolic link is followed and the
 * file it leads to replaced (atomically); a FIFO or /dev/stdout is written through, never
 * replaced by a regular file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, lstatSync, openSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { BIN, ig, tempDir } from './helpers.js';

const dir = tempDir('output-targets');
const model = join(dir, 'iris.onnx');
const input = join(dir, 'x.npy');
copyFileSync(captumModelPath('iris_mlp'), model);
copyFileSync(captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'), input);
const explain = ['explain', '--model', model, '--input', input, '--target', '2', '--steps', '8', '-q'];

/** The report `ig explain` writes to a plain file, to compare the others with. */
function plainReport(): { target: number; fInput: number } {
  const file = join(dir, 'plain.json');
  expect(ig([...explain, '--json', file]).code).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as { target: number; fInput: number };
}

describe('output paths that are links, FIFOs or streams', () => {
  const expected = plainReport();

  it('writes the file a symbolic link leads to, and keeps the link', () => {
    const target = join(dir, 'target.json');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.json');
    symlinkSync('target.json', link);
    const run = ig([...explain, '--json', link]);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('target.json');
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ target: 2, fInput: expected.fInput });
  });

  it('creates the file a dangling link names', () => {
    const link = join(dir, 'dangling.npy');
    symlinkSync(join(dir, 'made.npy'), link);
    expect(ig([...explain, '--out', link]).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'made.npy')).isFile()).toBe(true);
  });

  it('prints --json /dev/stdout to standard output, and through a link to it', () => {
    for (const path of ['/dev/stdout', join(dir, 'stdout.json')]) {
      if (path !== '/dev/stdout') symlinkSync('/dev/stdout', path);
      const run = ig([...explain, '--json', path]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ target: 2, fInput: expected.fInput });
    }
    expect(readlinkSync(join(dir, 'stdout.json'))).toBe('/dev/stdout');
  });

  it('writes --json /dev/stdout into the file standard output is redirected to, not a new one in its place', () => {
    const redirected = join(dir, 'redirected.json');
    const fd = openSync(redirected, 'w');
    const run = spawnSync(process.execPath, [BIN, ...explain, '--json', '/dev/stdout'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(redirected, 'utf8'))).toMatchObject({ target: 2, fInput: expected.fInput });
  });

  it('writes through a FIFO to the process reading it, leaving the FIFO in place', async () => {
    const fifo = join(dir, 'report.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (chunk: Buffer) => (read += chunk.toString('utf8')));
    const closed = new Promise((done) => reader.on('close', done));
    const writer = spawn(process.execPath, [BIN, ...explain, '--json', fifo], { stdio: 'ignore' });
    const code = await new Promise((done) => writer.on('close', done));
    await closed;
    expect(code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse(read)).toMatchObject({ target: 2, fInput: expected.fInput });
  });

  it('refuses a link into a folder that does not exist, naming the option', () => {
    const link = join(dir, 'nowhere.json');
    symlinkSync(join(dir, 'missing', 'r.json'), link);
    const run = ig([...explain, '--json', link]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot write --json .*nowhere\.json: folder .*missing does not exist/);
  });
});
