/**
 * Wire messages (never "frames": that word is kept for camera frames, in
 * frames/). Length-prefixed: a 4-byte unsigned big-endian length, then that
 * many bytes of UTF-8 JSON. Same in both directions (docs/protocol.md).
 *
 * The decoder keeps partial bytes between `data` events: one event may hold
 * half a message, or three and a half. It never assumes one event = one message.
 */
import { RuntimeError } from '../errors/errors.js';

export const HEADER_BYTES = 4;
/** A real request is under 4 KB; 64 KiB leaves room and parses in well under a millisecond. */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

export type DecodedItem =
  | { kind: 'message'; body: Buffer }
  /** A framing error. `fatal` means the stream cannot be resynchronised: answer, then close. */
  | { kind: 'error'; error: RuntimeError; fatal: boolean };

export class MessageDecoder {
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #failed = false;

  constructor(maxBytes: number = DEFAULT_MAX_REQUEST_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held that do not yet form a whole message. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Feeds bytes in and returns every whole message now available, in order.
   * After a fatal error the decoder ignores further input.
   */
  push(chunk: Buffer): DecodedItem[] {
    if (this.#failed) return [];
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const out: DecodedItem[] = [];
    while (this.#buffered >= HEADER_BYTES) {
      const head = this.#peekHeader();
      if (head > this.#maxBytes) {
        this.#failed = true;
        this.#chunks = [];
        this.#buffered = 0;
        out.push({
          kind: 'error',
          fatal: true,
          error: new RuntimeError('REQUEST_TOO_LARGE', `length prefix ${head} exceeds the request limit of ${this.#maxBytes} bytes`),
        });
        break;
      }
      if (head === 0) {
        this.#take(HEADER_BYTES);
        out.push({ kind: 'error', fatal: false, error: new RuntimeError('EMPTY_REQUEST', 'length prefix was 0: a request must be one JSON object') });
        continue;
      }
      if (this.#buffered < HEADER_BYTES + head) break;
      const frame = this.#take(HEADER_BYTES + head);
      out.push({ kind: 'message', body: frame.subarray(HEADER_BYTES) });
    }
    return out;
  }

  #peekHeader(): number {
    const first = this.#chunks[0]!;
    if (first.length >= HEADER_BYTES) return first.readUInt32BE(0);
    // Rare: the header itself is split across data events.
    this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!.readUInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes, copying only when they span chunks. */
  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let result: Buffer;
    if (first.length >= n) {
      result = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.#chunks, this.#buffered);
      result = all.subarray(0, n);
      this.#chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.#buffered -= n;
    return result;
  }
}

/** Frames a JSON text (already stringified) for the wire. */
export function encodeMessage(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  out.writeUInt32BE(length, 0);
  out.write(json, HEADER_BYTES, 'utf8');
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and parses one message body. Throws RuntimeError INVALID_UTF8,
 * INVALID_JSON or INVALID_REQUEST (JSON but not an object).
 */
export function parseBody(body: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new RuntimeError('INVALID_UTF8', `request body of ${body.length} bytes is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RuntimeError('INVALID_JSON', `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new RuntimeError('INVALID_REQUEST', `request body must be a JSON object, got ${kind}`);
  }
  return value as Record<string, unknown>;
}
