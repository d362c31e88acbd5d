/**
 * What one caller, or all callers together, may hold of the server: bytes,
 * time, connections. Each limit is answered with a coded error (or a quiet
 * close for an idle connection) and listed in docs/protocol.md "Limits".
 */

export interface ConnectionLimits {
  /** Largest request body (RUTH_MAX_REQUEST_BYTES). */
  maxRequestBytes: number;
  /** A request whose bytes started arriving must be whole within this (RUTH_READ_TIMEOUT_MS). */
  readTimeoutMs: number;
  /** A connection with nothing pending and nothing sent for this long is closed (RUTH_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number;
  /** Unanswered requests one connection may have before the server stops reading it. */
  maxPending: number;
  /** Unread response bytes one connection may hold before the server stops reading it. */
  maxUnreadBytes: number;
  /** Partial-request bytes held across all connections (RUTH_MAX_BUFFERED_BYTES). */
  budget: ByteBudget;
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
export const MAX_PENDING_PER_CONNECTION = 256;
export const MAX_UNREAD_BYTES_PER_CONNECTION = 1024 * 1024;

/** Bytes of partial requests held across all connections. */
export class ByteBudget {
  readonly max: number;
  used = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Whether `n` more bytes fit. */
  fits(n: number): boolean {
    return this.used + n <= this.max;
  }
}
