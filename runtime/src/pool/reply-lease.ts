/**
 * Answers written by the worker itself. A connection's socket descriptor is
 * process-wide, so the worker that ran a request can write its framed answer
 * straight to the caller (one non-blocking write) instead of waking the main
 * thread to do it: the caller waits for one thread hop, not two. The main
 * thread is told afterwards, off the caller's critical path.
 *
 * The right to write is a lease: one slot of shared words per request.
 *
 *   PENDING --worker, compareExchange--> WRITING --> WRITTEN (bytes, total)
 *   PENDING --main, compareExchange----> SETTLED (the worker writes nothing)
 *
 * The main thread settles a lease before it answers a request itself
 * (TIMEOUT, WORKER_CRASHED, QUEUE_TIMEOUT, SHUTTING_DOWN...) and before its
 * connection's descriptor is closed (connection.ts): a descriptor number is
 * reused by the next accepted connection, so no worker may hold the right to
 * write to one that is closed. Settling a lease under WRITING waits for that
 * one non-blocking write to end (microseconds). A write that would block
 * (EAGAIN: the caller is not reading) writes what fits and leaves the rest to
 * the main thread's stream, which honours back-pressure as before.
 *
 * Each lease word carries a generation, bumped whenever the slot is taken:
 * a worker holding a request the main thread gave up on can never claim the
 * slot of a later request.
 */
import { writeSync } from 'node:fs';

/** Lease states (the low 2 bits of a lease word; the rest is the generation). */
const PENDING = 0;
const WRITING = 1;
const WRITTEN = 2;
const SETTLED = 3;
/** Shared Int32 words per lease: state word, bytes written, bytes of the whole answer. */
const WORDS = 3;
/** Answers larger than this go through the main thread's stream (they would rarely fit one write anyway). */
export const MAX_DIRECT_BYTES = 64 * 1024;
/** Longest the main thread waits for a worker's write under way (a dead thread never finishes one). */
const WRITE_WAIT_MS = 1000;

/** What a worker needs to answer one request itself. */
export interface DirectReply {
  /** The connection's socket descriptor. */
  fd: number;
  /** Lease slot index, and the word value that means "pending" for this request. */
  lease: number;
  expect: number;
}

/**
 * What the worker wrote: `bytes` of the `total` framed answer. Fewer than
 * `total`: the rest comes with its result, for the main thread to write (a
 * worker that died meanwhile took it along: the connection must be closed).
 */
export interface WriteOutcome {
  bytes: number;
  total: number;
}
/** A worker that died between its claim and its write: whatever reached the caller is cut short. */
const CUT_SHORT: WriteOutcome = Object.freeze({ bytes: 0, total: Number.POSITIVE_INFINITY });

/**
 * Worker side: writes `framed` to the caller if the lease is still pending.
 * Returns how many bytes went out (0: nothing, the main thread answers).
 */
export function writeDirect(words: Int32Array, reply: DirectReply, framed: Uint8Array): number {
  if (framed.length > MAX_DIRECT_BYTES) return 0;
  const at = reply.lease * WORDS;
  if (Atomics.compareExchange(words, at, reply.expect, reply.expect + WRITING) !== reply.expect) return 0;
  let bytes = 0;
  try {
    bytes = writeSync(reply.fd, framed);
  } catch {
    // EAGAIN (the caller reads nothing), EPIPE (it left): the main thread's stream decides.
    bytes = 0;
  }
  words[at + 1] = bytes;
  words[at + 2] = framed.length;
  Atomics.store(words, at, reply.expect + WRITTEN);
  Atomics.notify(words, at);
  return bytes;
}

/**
 * A connection's offer to have a request answered by the worker itself
 * (made by connection.ts for the request whose answer is next to be written
 * and nothing is buffered before it; filled in by the pool).
 */
export interface ReplyTarget {
  /** The connection's socket descriptor. */
  readonly fd: number;
  /** Set while a worker may write: ends that right, waiting for a write under way. Called before the socket closes. */
  revoke: (() => void) | null;
  /**
   * Set once the worker wrote some of the answer itself: `rest` is what is
   * left for the main thread to write (empty when all went out), null when
   * the rest was lost with its worker (the connection must be closed).
   */
  written: { rest: Uint8Array | null } | null;
}

/** Main side: the lease table shared with every worker (WorkerSetup.leases). */
export class ReplyLeases {
  readonly words: Int32Array;
  readonly #free: number[] = [];
  readonly #gen: Int32Array;

  constructor(capacity: number) {
    this.words = new Int32Array(new SharedArrayBuffer(capacity * WORDS * 4));
    this.#gen = new Int32Array(capacity);
    for (let i = capacity - 1; i >= 0; i--) {
      this.#free.push(i);
      Atomics.store(this.words, i * WORDS, SETTLED);
    }
  }

  /** A pending lease for a request on `fd`, or null when every slot is in use. */
  take(fd: number): DirectReply | null {
    const lease = this.#free.pop();
    if (lease === undefined) return null;
    // 2^29 generations per slot before the word wraps; a stale claim needs the exact old value.
    this.#gen[lease] = (this.#gen[lease]! + 1) & 0x1fffffff;
    const expect = this.#gen[lease]! << 2;
    this.words[lease * WORDS + 1] = 0;
    this.words[lease * WORDS + 2] = 0;
    Atomics.store(this.words, lease * WORDS, expect + PENDING);
    return { fd, lease, expect };
  }

  /**
   * Ends the worker's right to write. Returns null when it wrote nothing and
   * never will (the main thread answers), else what it wrote.
   */
  settle(reply: DirectReply): WriteOutcome | null {
    const at = reply.lease * WORDS;
    const deadline = performance.now() + WRITE_WAIT_MS;
    for (;;) {
      const seen = Atomics.compareExchange(this.words, at, reply.expect + PENDING, reply.expect + SETTLED);
      if (seen === reply.expect + PENDING || seen === reply.expect + SETTLED) return null;
      if (seen === reply.expect + WRITTEN) {
        const bytes = this.words[at + 1]!;
        return bytes === 0 ? null : { bytes, total: this.words[at + 2]! };
      }
      if (seen !== reply.expect + WRITING) return null; // Released already (another generation).
      const left = deadline - performance.now();
      if (left <= 0) return CUT_SHORT;
      Atomics.wait(this.words, at, seen, left);
    }
  }

  /** Whether the worker is writing, or wrote some of, this answer (without settling anything). */
  answered(reply: DirectReply): boolean {
    const at = reply.lease * WORDS;
    const word = Atomics.load(this.words, at);
    return word === reply.expect + WRITING || (word === reply.expect + WRITTEN && this.words[at + 1]! > 0);
  }

  /** Settles the lease (if not yet) and frees its slot for another request; returns settle()'s answer. */
  release(reply: DirectReply): WriteOutcome | null {
    const wrote = this.settle(reply);
    this.#free.push(reply.lease);
    return wrote;
  }
}
