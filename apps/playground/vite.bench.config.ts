import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import site from './vite.config.js';

// The benchmark page (bench/), built like the site; bench/models/ (ResNet-18, exported by
// bench/export_resnet18.py) is copied next to it.
export default mergeConfig(
  site,
  defineConfig({
    root: fileURLToPath(new URL('bench/', import.meta.url)),
    publicDir: fileURLToPath(new URL('bench/models/', import.meta.url)),
    build: { outDir: fileURLToPath(new URL('dist-bench/', import.meta.url)), emptyOutDir: true },
  }),
);
