// Renders the pictures in the root README into docs/pictures/ with the built `ig` command:
// `pnpm build && node scripts/pictures/render-readme-pictures.mjs`.
//  - the demo panels of the bundled models (`ig demo`, both bundles);
//  - a 512×600 colour photo-like picture explained by the bundled Fashion-MNIST model, drawn with
//    the default overlay and with Captum's blended_heat_map, to compare the two.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { photoLike } from './photo-like.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'docs', 'pictures');
const BIN = join(ROOT, 'apps', 'cli', 'dist', 'bin.js');

function ig(args, cwd) {
  const output = execFileSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(output);
}

mkdirSync(OUT, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'ig-pictures-'));
try {
  ig(['demo', '--out-dir', 'fashion'], work);
  for (const sample of ['tshirt', 'trouser', 'sneaker'])
    copyFileSync(join(work, 'fashion', `${sample}.panel.png`), join(OUT, `demo-fashion-mnist-${sample}.png`));
  ig(['demo', '--bundle', 'small-cnn-onnx', '--out-dir', 'small'], work);
  copyFileSync(join(work, 'small', 'sample0.panel.png'), join(OUT, 'demo-small-cnn-onnx-sample0.png'));

  // relative paths from the repository root, as the report and the stderr note show them
  const photo = join('docs', 'pictures', 'photo-like-shirt.jpg');
  writeFileSync(join(ROOT, photo), photoLike());
  const fashion = join('apps', 'cli', 'assets', 'fashion-mnist');
  const explain = ['explain', '--model', join(fashion, 'model.json'), '--labels', join(fashion, 'labels.txt'), '--input', photo, '--steps', '64'];
  const out = join('docs', 'pictures');
  ig([...explain, '--panel', join(out, 'photo-like-shirt.panel.png'), '--json', join(out, 'photo-like-shirt.report.json')], ROOT);
  ig([...explain, '--heatmap-method', 'blended_heat_map', '--panel', join(out, 'photo-like-shirt.blended.png'), '-q'], ROOT);
} finally {
  rmSync(work, { recursive: true, force: true });
}
