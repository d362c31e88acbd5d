// Runs after the root `npm ci`/`npm install`: each model folder is its own npm
// project (its own lock file, so its image builds from its folder alone), and
// this installs them all so that local tests can load every handler. The
// root .npmrc's settings reach each model's npm: npm hands its config to the
// scripts it runs (npm_config_*), and the child npm reads them back.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const modelsDir = new URL('../models/', import.meta.url).pathname;

for (const id of readdirSync(modelsDir).sort()) {
  const dir = join(modelsDir, id);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const command = existsSync(join(dir, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`models/${id}: npm ${command}`);
  execFileSync('npm', [command, '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
}
