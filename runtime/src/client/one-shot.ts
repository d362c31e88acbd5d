/**
 * The one-shot call, as the platform's core makes it: connect, send one
 * framed request, read one framed response, close.
 */
import net from 'node:net';
import type { InferenceResponse } from '../api/wire.js';
import { ClientError } from '../errors/errors.js';
import { MessageDecoder, encodeMessage, type DecodedItem } from '../ipc/message-codec.js';

/** Responses have no size limit on the wire; this only stops a runaway peer. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export interface RequestOptions {
  /** Whole-call deadline in ms (connect + send + answer). Default 30 000. */
  timeoutMs?: number;
}

/** A socket error as a ClientError: CLIENT_CONNECT when nothing listens at the path, else CLIENT_CLOSED. */
export function socketError(socketPath: string, err: NodeJS.ErrnoException): ClientError {
  return new ClientError(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'CLIENT_CONNECT' : 'CLIENT_CLOSED', `${socketPath}: ${err.message}`, { cause: err });
}

/** The parsed JSON of one decoded response; throws ClientError CLIENT_PROTOCOL for bad framing or a body that is not JSON. */
export function parseResponse<T>(item: DecodedItem): T {
  if (item.kind !== 'message') throw new ClientError('CLIENT_PROTOCOL', `bad response framing: ${item.error.message}`);
  try {
    return JSON.parse(item.body.toString('utf8')) as T;
  } catch (err) {
    throw new ClientError('CLIENT_PROTOCOL', `response is not JSON: ${(err as Error).message}`);
  }
}

/**
 * Sends `body` (an object, or a Buffer the caller has already framed, sent
 * as is) and resolves with the parsed response.
 */
export function request<T = InferenceResponse>(socketPath: string, body: unknown, options: RequestOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise<T>((resolve, reject) => {
    const decoder = new MessageDecoder(MAX_RESPONSE_BYTES);
    const sock = net.connect(socketPath);
    let settled = false;
    const finish = (err: Error | null, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => finish(new ClientError('CLIENT_TIMEOUT', `no response from ${socketPath} within ${timeoutMs} ms`)), timeoutMs);
    sock.once('connect', () => sock.write(Buffer.isBuffer(body) ? body : encodeMessage(JSON.stringify(body))));
    sock.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        try {
          finish(null, parseResponse<T>(item));
        } catch (err) {
          finish(err as ClientError);
        }
        return;
      }
    });
    sock.once('error', (err: NodeJS.ErrnoException) => finish(socketError(socketPath, err)));
    sock.once('close', () => finish(new ClientError('CLIENT_CLOSED', `${socketPath} closed the connection before answering`)));
  });
}
