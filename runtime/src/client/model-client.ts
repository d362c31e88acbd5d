/**
 * A keep-alive client: one connection, many requests, pipelined. The server
 * answers in request order, so responses are matched to requests by
 * position. A timeout breaks that pairing, so it fails every pending call
 * and drops the connection; the next call reconnects.
 */
import net from 'node:net';
import type { InferenceResponse } from '../api/wire.js';
import { MessageDecoder, encodeMessage } from '../ipc/message-codec.js';
import { ClientError } from '../errors/errors.js';
import { MAX_RESPONSE_BYTES, parseResponse, socketError } from './one-shot.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ModelClientOptions {
  /** Per-request deadline in ms. Default 30 000. */
  timeoutMs?: number;
}

export class ModelClient {
  readonly socketPath: string;
  readonly #timeoutMs: number;
  #socket: net.Socket | null = null;
  #decoder = new MessageDecoder(MAX_RESPONSE_BYTES);
  readonly #pending: Pending[] = [];

  constructor(socketPath: string, options: ModelClientOptions = {}) {
    this.socketPath = socketPath;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Requests sent whose responses have not arrived. */
  get pending(): number {
    return this.#pending.length;
  }

  request<T = InferenceResponse>(body: unknown): Promise<T> {
    return this.send<T>(encodeMessage(JSON.stringify(body)));
  }

  /** Sends already-framed bytes (tests use it for malformed frames). */
  send<T = unknown>(framed: Buffer): Promise<T> {
    const sock = this.#connect();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new ClientError('CLIENT_TIMEOUT', `no response from ${this.socketPath} within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      this.#pending.push({ resolve: resolve as (v: unknown) => void, reject, timer });
      sock.write(framed);
    });
  }

  close(): void {
    this.#socket?.end();
    this.#socket = null;
  }

  #connect(): net.Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    const sock = net.connect(this.socketPath);
    this.#decoder = new MessageDecoder(MAX_RESPONSE_BYTES);
    sock.on('data', (chunk: Buffer) => {
      for (const item of this.#decoder.push(chunk)) {
        const next = this.#pending.shift();
        if (!next) continue;
        clearTimeout(next.timer);
        try {
          next.resolve(parseResponse(item));
        } catch (err) {
          next.reject(err as ClientError);
        }
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => this.#fail(socketError(this.socketPath, err), sock));
    sock.on('close', () => this.#fail(new ClientError('CLIENT_CLOSED', `${this.socketPath} closed the connection`), sock));
    this.#socket = sock;
    return sock;
  }

  #fail(err: Error, sock: net.Socket | null = this.#socket): void {
    if (sock !== this.#socket) return;
    this.#socket?.destroy();
    this.#socket = null;
    for (const p of this.#pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
