// Runs after the root `npm ci`/`npm install` (postinstall, once the runtime is
// compiled): each model folder is its own npm project (its own lock file, so
// its image builds from its folder alone), and this installs them all so that
// local tests can load every handler. The root .npmrc's settings reach each
// model's npm: npm hands its config to the scripts it runs (npm_config_*), and
// the child npm reads them back.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { modelFolders } from './lib/model-folders.mjs';

for (const dir of modelFolders()) {
  if (!existsSync(join(dir, 'package.json'))) continue;
  const command = existsSync(join(dir, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`models/${basename(dir)}: npm ${command}`);
  execFileSync('npm', [command, '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
}
