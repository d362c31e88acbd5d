/**
 * Writes a frame the way the video service's exporter does: frame.data to a
 * temporary file renamed into place, then frame.meta likewise, no lock.
 * Used by tests, the CLI and benchmarks; never by the server.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { encodeFrameMeta } from './frame-meta.js';
import type { FrameLayout } from './layout.js';

export function writeExportFrame(dir: string, layout: FrameLayout, data: Uint8Array, frameId: number): void {
  mkdirSync(dir, { recursive: true });
  const tmpData = join(dir, `.frame.data.${process.pid}.${threadId}.tmp`);
  const tmpMeta = join(dir, `.frame.meta.${process.pid}.${threadId}.tmp`);
  writeFileSync(tmpData, data);
  renameSync(tmpData, join(dir, 'frame.data'));
  const meta = encodeFrameMeta({
    frameId,
    width: layout.width,
    height: layout.height,
    format: layout.format,
    stride: layout.stride,
    dataSize: data.byteLength,
  });
  writeFileSync(tmpMeta, meta);
  renameSync(tmpMeta, join(dir, 'frame.meta'));
}
