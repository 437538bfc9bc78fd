#!/usr/bin/env node
// Run in a consumer project with typescript installed: `node typecheck.mjs ts/entry-points.ts
// tsconfig.node16.json …`. Builds one program per tsconfig (parsed declaration files shared
// between them) and prints, as JSON, each one's errors in the project's own files and in the @ig
// packages' declarations (strict, lib-checked; other packages' declarations are checked only as far
// as those files use them, which keeps TensorFlow.js's own strict-mode errors out), and the public
// types that are `any` (public-any.mjs) in the last program that has the entry file.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { publicAny } from './public-any.mjs';

const ts = createRequire(join(process.cwd(), 'package.json'))('typescript');
const [entry, ...configs] = process.argv.slice(2);
const parsed = new Map();
const ours = (file) => !file.fileName.includes('/node_modules/') || /\/node_modules\/@ig\//.test(file.fileName);
const format = (d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }).trim();

const errors = {};
let withEntry;
for (const config of configs) {
  const unreadable = [];
  const commandLine = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => unreadable.push(format(d)) });
  if (commandLine === undefined) {
    errors[config] = unreadable;
    continue;
  }
  const { options, fileNames } = commandLine;
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile;
  host.getSourceFile = (fileName, language, ...rest) => {
    const key = `${fileName}\0${typeof language === 'object' ? JSON.stringify(language) : language}`;
    if (!parsed.has(key)) parsed.set(key, read.call(host, fileName, language, ...rest));
    return parsed.get(key);
  };
  const program = ts.createProgram({ rootNames: fileNames, options, host });
  if (program.getSourceFile(resolve(entry))) withEntry = program;
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of program.getSourceFiles().filter(ours)) diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  errors[config] = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map(format);
}
const any = withEntry ? publicAny(ts, withEntry, resolve(entry)) : [`no tsconfig includes ${entry}`];
console.log(JSON.stringify({ errors, any }));
