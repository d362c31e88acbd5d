/**
 * Memory for input tensors, reused from frame to frame in each thread.
 *
 * A 640x640 float32 tensor is 4.9 MB. Fresh memory of that size costs a page
 * fault per 4 KB page the first time it is written: on the virtual machines
 * this was measured on, 1,200 faults took 7 to 20 ms of CPU per frame, ten
 * times the conversion itself. So a worker hands the tensor's memory back
 * once infer() has settled (releaseInput), and the next frame of that size
 * is written into the same, already mapped pages.
 *
 * Handing back detaches the handler's view: a handler that kept input.data
 * past infer() finds an empty array (length 0), never another frame's values.
 * The memory moves to a new ArrayBuffer (structuredClone with transfer: no
 * copy, about 10 µs).
 */
import type { InputTensor } from '../api/model.js';

/** Free buffers kept per thread: one tensor is in use at a time in a worker. */
const KEEP = 2;
/**
 * Smaller tensors are not pooled: the allocator serves them from memory it
 * already holds (no page faults), and handing one back would cost more than
 * allocating it (a 8x8 input: ~6 µs per request in the no-op bench's profile).
 */
const MIN_POOLED_BYTES = 256 * 1024;
const free: ArrayBuffer[] = [];
/** The buffer each pooled tensor was made from (the handler may replace input.data). */
const owned = new WeakMap<InputTensor, ArrayBuffer>();

/** A buffer of exactly `bytes`, from the pool when one fits, else fresh (not zeroed). */
export function takeBuffer(bytes: number): ArrayBuffer {
  const i = free.findIndex((b) => b.byteLength === bytes);
  if (i >= 0) return free.splice(i, 1)[0]!;
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/** Marks a tensor as made from `buffer`, so releaseInput can take it back. */
export function pooled(tensor: InputTensor, buffer: ArrayBuffer): InputTensor {
  if (buffer.byteLength >= MIN_POOLED_BYTES) owned.set(tensor, buffer);
  return tensor;
}

/**
 * Gives a tensor's memory back for the next frame. After this, every view
 * of the old tensor (input.data included) is empty. Small tensors, tensors
 * not made by preprocess(), and tensors already released are left alone.
 */
export function releaseInput(tensor: InputTensor): void {
  const buffer = owned.get(tensor);
  if (!buffer || buffer.byteLength < MIN_POOLED_BYTES) return;
  owned.delete(tensor);
  const moved = structuredClone(buffer, { transfer: [buffer] });
  free.push(moved);
  if (free.length > KEEP) free.shift();
}
