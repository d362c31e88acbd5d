/**
 * One growable read buffer per thread. A worker reads a frame, preprocesses
 * it and is done with it before it reads the next, so reusing the buffer
 * saves a multi-megabyte allocation (and its zero fill) per request.
 */
let buffer = Buffer.allocUnsafe(0);

/** Past this, a buffer left big by one outsized frame is given back at the next smaller one. */
const KEEP_BYTES = 32 * 1024 * 1024;

export function readBuffer(size: number): Buffer {
  if (buffer.byteLength > KEEP_BYTES && size * 2 < buffer.byteLength) {
    // One huge frame (a 16384x16384 one is 400 MB) must not pin its size for the thread's life.
    buffer = Buffer.allocUnsafe(size);
  } else if (buffer.byteLength < size) {
    // Grow with headroom so a slowly rising size does not reallocate every time.
    buffer = Buffer.allocUnsafe(Math.max(size, Math.ceil(buffer.byteLength * 1.25)));
  }
  return buffer;
}
