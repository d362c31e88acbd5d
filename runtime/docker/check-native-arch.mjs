// Fails when a folder holds a native binary (ELF: Node addons, shared
// libraries) for another CPU than the image's: the model build stage runs npm
// on the build machine, so a package that picked its binary by the build
// machine's architecture would otherwise surface only when the image starts.
// Usage: node check-native-arch.mjs <folder> <node arch: x64 | arm64>
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

// ELF e_machine values (little-endian u16 at byte 18) of the architectures we build.
/** @type {Record<string, number>} */
const MACHINES = { x64: 62, arm64: 183 };
const NAMES = Object.fromEntries(Object.entries(MACHINES).map(([arch, machine]) => [machine, arch]));

const [folder, arch] = process.argv.slice(2);
if (!folder || !(arch in MACHINES)) throw new Error(`usage: check-native-arch.mjs <folder> <${Object.keys(MACHINES).join(' | ')}>`);

/** @param {string} file @returns {number | undefined} the ELF machine, or undefined for other files */
function elfMachine(file) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(20);
    const read = readSync(fd, head, 0, head.length, 0);
    return read === head.length && head.readUInt32BE(0) === 0x7f454c46 ? head.readUInt16LE(18) : undefined;
  } finally {
    closeSync(fd);
  }
}

const wrong = [];
let checked = 0;
for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const file = join(entry.parentPath ?? entry.path, entry.name);
  const machine = elfMachine(file);
  if (machine === undefined) continue;
  checked += 1;
  if (machine !== MACHINES[arch]) wrong.push(`${file} (${NAMES[machine] ?? `ELF machine ${machine}`})`);
}
if (wrong.length > 0) {
  console.error(`native binaries for another CPU than ${arch} in ${folder}:\n  ${wrong.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-native-arch: ${checked} native binaries in ${folder}, all ${arch}`);
