// Fails when the base image's node_modules holds any optional peer of the
// runtime (an inference engine or an image tool): those belong to each model,
// or to the repo's developer tools, never to the base.
// Usage (repo root): node runtime/docker/check-no-peers.mjs /opt/ruth-ai/node_modules
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const nodeModules = process.argv[2];
if (!nodeModules) throw new Error('usage: check-no-peers.mjs <node_modules folder>');
/** @type {{ peerDependencies?: Record<string, string> }} */
const pkg = JSON.parse(readFileSync('runtime/package.json', 'utf8'));
const found = Object.keys(pkg.peerDependencies ?? {}).filter((name) => existsSync(join(nodeModules, name)));
if (found.length > 0) {
  console.error(`the base image must hold no engine or image tool, found ${found.join(', ')} in ${nodeModules}`);
  process.exit(1);
}
