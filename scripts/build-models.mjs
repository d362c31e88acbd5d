// Compiles every model handler (models/*/tsconfig.json) after the runtime,
// whose .d.ts files the handlers import.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const modelsDir = new URL('../models/', import.meta.url).pathname;
const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;

for (const id of readdirSync(modelsDir).sort()) {
  const tsconfig = join(modelsDir, id, 'tsconfig.json');
  if (!existsSync(tsconfig)) continue;
  execFileSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
}
