// Compiles every model handler (models/*/tsconfig.json) after the runtime,
// whose .d.ts files the handlers import.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { modelFolders } from './lib/model-folders.mjs';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;

for (const dir of modelFolders()) {
  const tsconfig = join(dir, 'tsconfig.json');
  if (!existsSync(tsconfig)) continue;
  execFileSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
}
