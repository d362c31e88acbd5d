// Part of the runtime's build (`npm run build --workspace runtime`, after
// tsc): assembles each WebAssembly text file under src/ into the matching
// .wasm under dist/, with the wabt npm package (a pinned dev dependency; the
// packed runtime carries only the .wasm). Run from the runtime folder.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import initWabt from 'wabt';

const wabt = await initWabt();
for (const file of readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wat'))) {
  const source = path.join('src', file);
  const module = wabt.parseWat(source, readFileSync(source, 'utf8'), { simd: true });
  try {
    module.validate();
    const target = path.join('dist', file.replace(/\.wat$/, '.wasm'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
