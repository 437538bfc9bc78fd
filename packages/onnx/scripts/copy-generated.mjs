// tsc does not emit the generated protobuf module (plain .js with its own .d.ts): copy both to dist.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'src/proto/generated'), join(root, 'dist/proto/generated'), { recursive: true });
