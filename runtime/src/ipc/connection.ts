/**
 * One client connection: decodes requests, runs them concurrently, and
 * writes the responses strictly in request order (pipelining). A one-shot
 * caller is simply a connection that sends one request and closes.
 *
 * A connection holds bounded memory and time (connection-limits.ts):
 *  - a started request must be whole within readTimeoutMs (READ_TIMEOUT);
 *  - its partial bytes count against the budget shared by all connections
 *    (SERVER_BUSY when it is spent);
 *  - back-pressure: with maxPending requests unanswered, or maxUnreadBytes of
 *    answers the caller has not read, the server stops reading it until
 *    those drain, so a caller that never reads cannot grow the server;
 *  - idle for idleTimeoutMs: closed quietly; stuck writing to a caller that
 *    reads nothing for that long: dropped.
 *
 * The request whose answer is next to go out, with nothing buffered before
 * it, is offered to the handler with a reply target: the worker that runs it
 * may write the answer to this socket itself (pool/reply-lease.ts), sparing
 * the caller a thread hop. Its slot stays first until the pool reports back,
 * so nothing else is written meanwhile, and the socket is never closed (its
 * descriptor freed for reuse) before the worker's right to write is revoked.
 */
import type { Socket } from 'node:net';
import { RuntimeError } from '../errors/errors.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { ReplyTarget } from '../pool/reply-lease.js';
import { MessageDecoder, encodeMessage } from './message-codec.js';

export interface MessageHandler {
  /**
   * Returns the response JSON text for one request body. Must not reject.
   * `target`: the answer may be written by a worker itself (see above).
   */
  onMessage(body: Buffer, target?: ReplyTarget): string | Promise<string>;
  /** Returns the response JSON text for a framing error (EMPTY_REQUEST, REQUEST_TOO_LARGE, READ_TIMEOUT...). */
  onDecodeError(error: RuntimeError): string;
}

/** A response slot: filled when its request finishes, written when all before it are written. */
interface Slot {
  text: string | null;
  closeAfter: boolean;
  /** Set when a worker was allowed to write this answer itself. */
  target?: ReplyTarget;
}

/** The socket's stream internals this file relies on: its descriptor, and the step that closes it. */
interface SocketInternals {
  _handle?: { fd?: number } | null;
  _destroy(err: Error | null, cb: (err: Error | null) => void): void;
}

export class Connection {
  readonly #socket: Socket;
  readonly #handler: MessageHandler;
  readonly #decoder: MessageDecoder;
  readonly #limits: ConnectionLimits;
  readonly #slots: Slot[] = [];
  #closing = false;
  #paused = false;
  /** Partial-request bytes this connection has counted in the shared budget. */
  #counted = 0;
  #readTimer: NodeJS.Timeout | null = null;
  #onIdle: (() => void) | null = null;

  constructor(socket: Socket, handler: MessageHandler, limits: ConnectionLimits) {
    this.#socket = socket;
    this.#handler = handler;
    this.#limits = limits;
    this.#decoder = new MessageDecoder(limits.maxRequestBytes);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    // A caller that vanishes mid-request is normal; its responses are dropped.
    socket.on('error', () => socket.destroy());
    // The server runs with allowHalfOpen: a caller may shut down its write
    // side right after sending and still expects its answers.
    socket.on('end', () => this.end());
    socket.on('drain', () => this.#maybeResume());
    socket.setTimeout(limits.idleTimeoutMs, () => this.#onInactive());
    // Every way a socket closes (ours, a read or write error inside Node)
    // goes through _destroy: revoke the workers' right to write first.
    const internals = socket as unknown as SocketInternals;
    const close = internals._destroy;
    internals._destroy = (err, cb) => {
      for (const slot of this.#slots) slot.target?.revoke?.();
      close.call(socket, err, cb);
    };
    socket.on('close', () => {
      this.#closing = true;
      this.#stopReadTimer();
      this.#count(0);
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
    if (!this.#limits.budget.fits(chunk.length)) {
      this.#fail(new RuntimeError('SERVER_BUSY', `the server holds ${this.#limits.budget.used} bytes of partial requests, its limit (RUTH_MAX_BUFFERED_BYTES ${this.#limits.budget.max}); this connection is closed`));
      return;
    }
    for (const item of this.#decoder.push(chunk)) {
      if (item.kind === 'error') {
        this.#slots.push({ text: this.#handler.onDecodeError(item.error), closeAfter: item.fatal });
        if (item.fatal) {
          // The stream cannot be resynchronised: stop reading, answer, close.
          this.#closing = true;
          this.#socket.pause();
        }
        continue;
      }
      const slot: Slot = { text: null, closeAfter: false };
      // First in line with nothing buffered: a worker's own write cannot overtake anything.
      if (this.#slots.length === 0 && !this.#closing && this.#socket.writableLength === 0) slot.target = this.#replyTarget();
      this.#slots.push(slot);
      const result = this.#handler.onMessage(item.body, slot.target);
      if (typeof result === 'string') slot.text = result;
      else
        result.then((text) => {
          slot.text = text;
          this.#flush();
        });
    }
    this.#count(this.#decoder.buffered);
    if (this.#decoder.buffered > 0) this.#startReadTimer();
    else this.#stopReadTimer();
    this.#flush();
  }

  #replyTarget(): ReplyTarget | undefined {
    const fd = (this.#socket as unknown as SocketInternals)._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? { fd, revoke: null, written: null } : undefined;
  }

  /** Keeps the shared budget in step with this connection's partial bytes. */
  #count(bytes: number): void {
    this.#limits.budget.used += bytes - this.#counted;
    this.#counted = bytes;
  }

  /** A fatal limit: answer with `error`, stop reading, close after the answers before it. */
  #fail(error: RuntimeError): void {
    this.#closing = true;
    this.#socket.pause();
    this.#stopReadTimer();
    this.#count(0);
    this.#slots.push({ text: this.#handler.onDecodeError(error), closeAfter: true });
    this.#flush();
  }

  #startReadTimer(): void {
    // Not reset by further bytes: a caller trickling one byte a second still runs out of time.
    this.#readTimer ??= setTimeout(() => {
      this.#readTimer = null;
      this.#fail(new RuntimeError('READ_TIMEOUT', `a request started but was not complete within ${this.#limits.readTimeoutMs} ms (RUTH_READ_TIMEOUT_MS); this connection is closed`));
    }, this.#limits.readTimeoutMs);
  }

  #stopReadTimer(): void {
    if (this.#readTimer) clearTimeout(this.#readTimer);
    this.#readTimer = null;
  }

  #onInactive(): void {
    // After the event loop was held up (a flood parsed in one turn), this timer
    // fires before bytes already waiting in the socket are read: a caller that
    // sent its request in time would be closed unanswered. Decide after this
    // turn's reads, and only if nothing came in.
    const readBefore = this.#socket.bytesRead;
    setImmediate(() => {
      if (this.#socket.bytesRead === readBefore && !this.#socket.destroyed) this.#closeIfIdle();
    });
  }

  #closeIfIdle(): void {
    if (this.#socket.writableLength > 0) {
      // Answers are waiting for a caller that has read nothing for the whole idle time.
      this.destroy();
    } else if (this.#slots.length === 0 && this.#decoder.buffered === 0) {
      this.end();
    }
    // Otherwise requests are running (or a read deadline is set): not idle.
  }

  #overLimits(): boolean {
    return this.#slots.length >= this.#limits.maxPending || this.#socket.writableLength >= this.#limits.maxUnreadBytes;
  }

  #maybeResume(): void {
    if (this.#paused && !this.#closing && !this.#overLimits()) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #flush(): void {
    while (this.#slots.length > 0 && this.#slots[0]!.text !== null) {
      const slot = this.#slots.shift()!;
      if (!this.#socket.destroyed) this.#write(slot);
      if (slot.closeAfter) {
        this.#slots.length = 0;
        this.#socket.end();
        break;
      }
    }
    if (this.#closing && this.#slots.length === 0 && !this.#socket.destroyed) this.#socket.end();
    if (!this.#paused && !this.#closing && this.#overLimits()) {
      // Back-pressure: read no more from this caller until its answers drain.
      this.#paused = true;
      this.#socket.pause();
    } else {
      this.#maybeResume();
    }
    this.#notifyIdle();
  }

  /** Writes a slot's answer, or what its worker's own write left of it. */
  #write(slot: Slot): void {
    const written = slot.target?.written;
    if (!written) this.#socket.write(encodeMessage(slot.text!));
    // The worker died with the answer half written: the stream cannot be resynchronised.
    else if (written.rest === null) this.#socket.destroy();
    else if (written.rest.length > 0) this.#socket.write(written.rest);
  }

  #notifyIdle(): void {
    if (this.#onIdle && (this.#slots.length === 0 || this.#socket.destroyed)) {
      const fn = this.#onIdle;
      this.#onIdle = null;
      fn();
    }
  }
}
