#!/usr/bin/env node
import { main } from './cli.js';

// Exit explicitly: engine worker threads (onnxruntime-web's wasm pool) would otherwise keep the
// process alive after the work is done.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
