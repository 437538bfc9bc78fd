import { IGError } from '@ig/core';
import { Command, CommanderError } from 'commander';
import { registerBatch } from './commands/batch.js';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerExplain } from './commands/explain.js';
import { registerHierarchy } from './commands/hierarchy.js';
import { registerOnnxTools } from './commands/onnx-tools.js';
import type { GlobalFlags } from './context.js';
import { CliError, errorLines } from './errors.js';
import { discardOutputs, keepOutputs } from './files.js';

/** IG errors that mean the arguments were wrong rather than a file or the model. */
// NON_DIFFERENTIABLE_INPUT: token ids given as --input (layers models get a hint from the tfjs engine)
const USAGE_CODES = new Set(['BAD_TARGET', 'INVALID_OPTION', 'NON_DIFFERENTIABLE_INPUT']);

function exitCodeOf(error: unknown): 1 | 2 {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof IGError) return USAGE_CODES.has(error.code) ? 2 : 1;
  return 1;
}

export function buildProgram(flags: { current: GlobalFlags }): Command {
  const program = new Command('ig')
    .description('Integrated Gradients for ONNX and TensorFlow.js models')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--debug', 'show stack traces of errors')
    .option(
      '-v, --verbose',
      'also print where the time went (load, build, sessions, compute), graph cache use, and with --steps auto how each example was refined',
    )
    .showHelpAfterError('(run ig --help or ig <command> --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.hook('preAction', (_root, action) => {
    const opts = action.optsWithGlobals() as { quiet?: boolean; debug?: boolean; verbose?: boolean };
    flags.current = { quiet: opts.quiet === true, debug: opts.debug === true, verbose: opts.verbose === true };
  });
  const get = (): GlobalFlags => flags.current;
  registerExplain(program, get);
  registerBatch(program, get);
  registerCheck(program, get);
  registerOnnxTools(program, get);
  registerHierarchy(program, get);
  registerDemo(program, get);
  for (const command of program.commands) command.exitOverride().showHelpAfterError(false);
  return program;
}

/** Runs the command line; resolves to the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = { current: { quiet: false, debug: argv.includes('--debug'), verbose: false } as GlobalFlags };
  const program = buildProgram(flags);
  const interrupted = (): void => {
    discardOutputs();
    process.stderr.write('error: interrupted; no output was kept\n');
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    keepOutputs();
    return 0;
  } catch (error) {
    discardOutputs();
    if (error instanceof CommanderError) {
      // Commander already printed its one-line message (or the help / version text).
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    process.stderr.write(`error: ${errorLines(error).join('\n')}\n`);
    if (flags.current.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}
