/** Raw socket exchanges for malformed-input tests. */
import net from 'node:net';
import { MessageDecoder, encodeMessage } from '../../src/ipc/message-codec.js';

export interface RawExchange {
  responses: Record<string, unknown>[];
  /** True when the server closed the connection. */
  closedByServer: boolean;
}

/**
 * Sends raw bytes on a fresh connection and collects `expect` framed
 * responses. Then it asks whether the connection is still open the only sure
 * way: a second request (`op: health`) on the same socket. An answer means
 * open; the server ending the connection instead means closed. No waiting.
 */
export function exchangeRaw(socketPath: string, bytes: Buffer, expect = 1): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    const decoder = new MessageDecoder(1 << 30);
    const responses: Record<string, unknown>[] = [];
    let probing = false;
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      sock.destroy();
      if (responses.length < expect) reject(new Error(`got ${responses.length}/${expect} responses before the server closed`));
      else resolve({ responses, closedByServer });
    };
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind !== 'message') continue;
        const body = JSON.parse(item.body.toString('utf8')) as Record<string, unknown>;
        if (probing) return finish(body.op !== 'health');
        responses.push(body);
      }
      if (responses.length >= expect && !probing) {
        probing = true;
        sock.write(encodeMessage('{"op":"health"}'));
      }
    });
    sock.on('end', () => finish(true));
    // Writing the probe to a connection the server already closed.
    sock.on('error', (err: NodeJS.ErrnoException) => (probing ? finish(true) : reject(err)));
  });
}
