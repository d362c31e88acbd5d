/**
 * The benchmark's yardstick: the least a Unix-socket server can do per
 * one-shot request (read one frame, write a fixed framed answer), with no
 * parsing, validation, pool or frame. Measured in the same run as the real
 * server, it shows how much of the machine's ceiling the runtime reaches,
 * whatever else the machine is busy with.
 *
 * Usage: node --import tsx echo-server.ts <socket path>
 */
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import { ECHO_ANSWER } from './echo-answer.js';

const socketPath = process.argv[2]!;

try {
  unlinkSync(socketPath);
} catch {
  // absent: fine
}
const server = net.createServer((sock) => {
  let have = 0;
  sock.on('data', (chunk: Buffer) => {
    have += chunk.length;
    // One request per connection, as one-shot callers send; answer once it is whole.
    if (have >= 4 && have >= chunk.readUInt32BE(0) + 4) sock.write(ECHO_ANSWER);
  });
  sock.on('error', () => sock.destroy());
});
server.listen({ path: socketPath, backlog: 4096 }, () => process.stdout.write('{"msg":"ready"}\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
