/**
 * One growable read buffer per thread. A worker reads a frame, preprocesses
 * it and is done with it before it reads the next, so reusing the buffer
 * saves a multi-megabyte allocation (and its zero fill) per request.
 */
let buffer = Buffer.allocUnsafe(0);

export function readBuffer(size: number): Buffer {
  if (buffer.byteLength < size) {
    // Grow with headroom so a slowly rising size does not reallocate every time.
    buffer = Buffer.allocUnsafe(Math.max(size, Math.ceil(buffer.byteLength * 1.25)));
  }
  return buffer;
}
