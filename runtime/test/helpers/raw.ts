/** Raw socket exchanges for malformed-input tests. */
import net from 'node:net';
import { MessageDecoder } from '../../src/ipc/message-codec.js';

export interface RawExchange {
  responses: Record<string, unknown>[];
  /** True when the server closed the connection. */
  closedByServer: boolean;
}

/**
 * Sends raw bytes on a fresh connection, collects `expect` framed responses,
 * then waits up to `settleMs` to see whether the server closes.
 */
export function exchangeRaw(socketPath: string, bytes: Buffer, expect = 1, settleMs = 150): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    const decoder = new MessageDecoder(1 << 30);
    const responses: Record<string, unknown>[] = [];
    let closedByServer = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      sock.destroy();
      resolve({ responses, closedByServer });
    };
    const deadline = setTimeout(() => (responses.length >= expect ? finish() : reject(new Error(`got ${responses.length}/${expect} responses`))), 10_000);
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind === 'message') responses.push(JSON.parse(item.body.toString('utf8')) as Record<string, unknown>);
      }
      if (responses.length >= expect) setTimeout(finish, settleMs);
    });
    sock.on('end', () => {
      closedByServer = true;
      if (responses.length >= expect) finish();
    });
    sock.on('error', reject);
  });
}
