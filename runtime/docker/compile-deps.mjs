// Prints, as `name@version` words for `npm install`, what compiling the
// runtime needs besides its own dependencies, at the versions already pinned:
// the compiler, wabt (assembles the WebAssembly kernels) and @types/* from the
// root package.json, and the optional peers from runtime/package.json (engines
// and image tools, whose types the runtime imports; at run time engines
// resolve from the model folder).
// Run from the repo root (runtime/Dockerfile, runtime-build stage).
import { readFileSync } from 'node:fs';

/** @param {string} file @returns {{ devDependencies?: Record<string, string>, peerDependencies?: Record<string, string> }} */
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

const dev = Object.entries(readJson('package.json').devDependencies ?? {}).filter(([name]) => /^(typescript|wabt|@types\/.+)$/.test(name));
const peers = Object.entries(readJson('runtime/package.json').peerDependencies ?? {});
console.log([...dev, ...peers].map(([name, version]) => `${name}@${version}`).join(' '));
