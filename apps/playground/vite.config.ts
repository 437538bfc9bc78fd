import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) lets onnxruntime-web and tfjs-wasm use threads
 * (SharedArrayBuffer); the dev server and `vite preview` send both headers. A host that does not
 * still serves a working page, single-threaded.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, assetsInlineLimit: 0 },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
