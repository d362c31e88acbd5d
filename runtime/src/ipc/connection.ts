/**
 * One client connection: decodes requests, runs them concurrently, and
 * writes the responses strictly in request order (pipelining). A one-shot
 * caller is simply a connection that sends one request and closes.
 */
import type { Socket } from 'node:net';
import type { RuntimeError } from '../errors/errors.js';
import { MessageDecoder, encodeMessage } from './message-codec.js';

export interface MessageHandler {
  /** Returns the response JSON text for one request body. Must not reject. */
  onMessage(body: Buffer): string | Promise<string>;
  /** Returns the response JSON text for a framing error (EMPTY_REQUEST, REQUEST_TOO_LARGE). */
  onDecodeError(error: RuntimeError): string;
}

/** A response slot: filled when its request finishes, written when all before it are written. */
interface Slot {
  text: string | null;
  closeAfter: boolean;
}

export class Connection {
  readonly #socket: Socket;
  readonly #handler: MessageHandler;
  readonly #decoder: MessageDecoder;
  readonly #slots: Slot[] = [];
  #closing = false;
  #onIdle: (() => void) | null = null;

  constructor(socket: Socket, handler: MessageHandler, maxRequestBytes: number) {
    this.#socket = socket;
    this.#handler = handler;
    this.#decoder = new MessageDecoder(maxRequestBytes);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    // A caller that vanishes mid-request is normal; its responses are dropped.
    socket.on('error', () => socket.destroy());
    // The server runs with allowHalfOpen: a caller may shut down its write
    // side right after sending and still expects its answers.
    socket.on('end', () => this.end());
    socket.on('close', () => {
      this.#closing = true;
      this.#notifyIdle();
    });
  }

  /** Calls `fn` once nothing is pending (at once if already so). */
  whenIdle(fn: () => void): void {
    this.#onIdle = fn;
    this.#notifyIdle();
  }

  /** Ends the connection after writing what is pending. */
  end(): void {
    this.#closing = true;
    if (this.#slots.length === 0) this.#socket.end();
  }

  destroy(): void {
    this.#closing = true;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#closing) return;
    for (const item of this.#decoder.push(chunk)) {
      if (item.kind === 'error') {
        const slot: Slot = { text: this.#handler.onDecodeError(item.error), closeAfter: item.fatal };
        this.#slots.push(slot);
        if (item.fatal) {
          // The stream cannot be resynchronised: stop reading, answer, close.
          this.#closing = true;
          this.#socket.pause();
        }
        continue;
      }
      const slot: Slot = { text: null, closeAfter: false };
      this.#slots.push(slot);
      const result = this.#handler.onMessage(item.body);
      if (typeof result === 'string') slot.text = result;
      else
        result.then((text) => {
          slot.text = text;
          this.#flush();
        });
    }
    this.#flush();
  }

  #flush(): void {
    while (this.#slots.length > 0 && this.#slots[0]!.text !== null) {
      const slot = this.#slots.shift()!;
      if (!this.#socket.destroyed) {
        this.#socket.write(encodeMessage(slot.text!));
      }
      if (slot.closeAfter) {
        this.#slots.length = 0;
        this.#socket.end();
        break;
      }
    }
    if (this.#closing && this.#slots.length === 0 && !this.#socket.destroyed) this.#socket.end();
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#onIdle && (this.#slots.length === 0 || this.#socket.destroyed)) {
      const fn = this.#onIdle;
      this.#onIdle = null;
      fn();
    }
  }
}
