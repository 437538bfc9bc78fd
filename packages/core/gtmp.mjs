import { readFileSync } from 'node:fs';
import { functionBackend, guidedIG, tensor } from './dist/index.js';
const [W1, W2] = JSON.parse(readFileSync('/tmp/w.json', 'utf8'));
const h = (x) => W2.map((_, k) => Math.tanh(x.reduce((s, v, i) => s + v * W1[i][k], 0)));
const f = (x) => h(x).reduce((s, t, k) => s + t * W2[k], 0);
const backend = functionBackend({
  forward: ([x]) => Float32Array.of(f(Array.from(x))),
  gradient: ([x], w) => { const t = h(Array.from(x)); return [Float32Array.from(W1.map((row) => row.reduce((s, v, k) => s + v * (1 - t[k] ** 2) * W2[k], 0) * w[0]))]; },
});
const x = [0.5, -1.2, 2.0, 0.3];
for (const steps of [128, 512, 2048]) {
  const r = await guidedIG(backend, tensor(Float32Array.from(x), [1, 4]), { steps, target: 0 });
  console.log(steps, Array.from(r.attributions[0].data).reduce((a, b) => a + b, 0), f(x) - f([0, 0, 0, 0]));
}
