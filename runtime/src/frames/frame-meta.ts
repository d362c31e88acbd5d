/**
 * The video service's 64-byte `frame.meta` header (docs/protocol.md), native
 * little-endian with C alignment:
 *
 *   0 version u32 (=1) | 4 pad | 8 frame_id u64 | 16 timestamp_ns u64
 *  24 width u32 | 28 height u32 | 32 pixel_format u32 | 36 stride u32
 *  40 data_size u64 | 48 reserved[16]
 *
 * pixel_format: 0 = NV12 (the only value the exporter writes today); this
 * runtime also reads 1 = I420, 2 = RGB24, 3 = BGR24, 4 = GRAY8.
 */
import { RuntimeError } from '../errors/errors.js';
import type { FrameFormat } from './layout.js';

export const FRAME_META_SIZE = 64;
export const FRAME_META_VERSION = 1;

export const PIXEL_FORMAT_CODES: Readonly<Record<FrameFormat, number>> = { NV12: 0, I420: 1, RGB24: 2, BGR24: 3, GRAY8: 4 };
const FORMAT_BY_CODE: readonly FrameFormat[] = ['NV12', 'I420', 'RGB24', 'BGR24', 'GRAY8'];

export interface FrameMetaHeader {
  version: number;
  frameId: number;
  timestampNs: bigint;
  width: number;
  height: number;
  format: FrameFormat;
  stride: number;
  dataSize: number;
}

export function parseFrameMeta(bytes: Uint8Array, file: string): FrameMetaHeader {
  if (bytes.byteLength < FRAME_META_SIZE) {
    throw new RuntimeError('FRAME_UNREADABLE', `${file}: header is ${bytes.byteLength} bytes, expected ${FRAME_META_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_META_SIZE);
  const version = view.getUint32(0, true);
  if (version !== FRAME_META_VERSION) {
    throw new RuntimeError('FRAME_UNREADABLE', `${file}: header version is ${version}, expected ${FRAME_META_VERSION}`);
  }
  const code = view.getUint32(32, true);
  const format = FORMAT_BY_CODE[code];
  if (format === undefined) {
    throw new RuntimeError('FRAME_UNREADABLE', `${file}: pixel_format ${code} is unknown (0=NV12, 1=I420, 2=RGB24, 3=BGR24, 4=GRAY8)`);
  }
  const frameId = view.getBigUint64(8, true);
  const dataSize = view.getBigUint64(40, true);
  if (dataSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RuntimeError('FRAME_UNREADABLE', `${file}: data_size ${dataSize} is not plausible`);
  }
  return {
    version,
    // frame ids beyond 2^53 would lose precision in JSON anyway.
    frameId: Number(frameId),
    timestampNs: view.getBigUint64(16, true),
    width: view.getUint32(24, true),
    height: view.getUint32(28, true),
    format,
    stride: view.getUint32(36, true),
    dataSize: Number(dataSize),
  };
}

/** Builds a header, as the video service writes it. Used by tests, the CLI and benchmarks. */
export function encodeFrameMeta(h: Omit<FrameMetaHeader, 'version' | 'timestampNs'> & { timestampNs?: bigint; version?: number }): Uint8Array {
  const bytes = new Uint8Array(FRAME_META_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, h.version ?? FRAME_META_VERSION, true);
  view.setBigUint64(8, BigInt(h.frameId), true);
  view.setBigUint64(16, h.timestampNs ?? BigInt(Date.now()) * 1_000_000n, true);
  view.setUint32(24, h.width, true);
  view.setUint32(28, h.height, true);
  view.setUint32(32, PIXEL_FORMAT_CODES[h.format], true);
  view.setUint32(36, h.stride, true);
  view.setBigUint64(40, BigInt(h.dataSize), true);
  return bytes;
}
