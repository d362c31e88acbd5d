/**
 * Frame formats and their byte layouts. Cheap and pure: the server calls
 * frameLayout() on the main thread while validating a request, and the worker
 * calls it again when it reads the frame.
 *
 * Planar layouts (stride = bytes per row of the first plane):
 *   NV12   Y: height rows of `stride` bytes; UV: height/2 rows of `stride` bytes (U,V pairs).
 *   I420   Y: height rows of `stride`; U then V: height/2 rows of `chromaStride` = ceil(stride/2).
 *   RGB24 / BGR24  height rows of `stride` bytes (stride >= 3*width).
 *   GRAY8  height rows of `stride` bytes (stride >= width).
 */
import { RuntimeError } from '../errors/errors.js';

export type FrameFormat = 'NV12' | 'I420' | 'RGB24' | 'BGR24' | 'GRAY8';

export const FRAME_FORMATS: readonly FrameFormat[] = ['NV12', 'I420', 'RGB24', 'BGR24', 'GRAY8'];

/** Largest accepted width or height: bigger than 16K video, small enough that byteLength stays a safe integer. */
export const MAX_DIMENSION = 16384;

export interface FrameLayout {
  format: FrameFormat;
  width: number;
  height: number;
  /** Bytes per row of the first plane (Y, or the packed pixels). */
  stride: number;
  /** Bytes per row of the chroma plane(s); 0 for packed formats. */
  chromaStride: number;
  /** Offset of the first chroma plane (UV for NV12, U for I420); 0 for packed formats. */
  uOffset: number;
  /** Offset of the V plane for I420; for NV12 it is uOffset (interleaved). */
  vOffset: number;
  /** Bytes the frame needs: every plane, stride included. */
  byteLength: number;
}

/** Normalises a format name (any letter case, a few aliases) or returns undefined. */
export function normaliseFormat(format: string): FrameFormat | undefined {
  const f = String(format).trim().toUpperCase();
  switch (f) {
    case 'NV12':
      return 'NV12';
    case 'I420':
    case 'YUV420P':
    case 'IYUV':
      return 'I420';
    case 'RGB24':
    case 'RGB':
      return 'RGB24';
    case 'BGR24':
    case 'BGR':
      return 'BGR24';
    case 'GRAY8':
    case 'GRAY':
    case 'Y8':
      return 'GRAY8';
    default:
      return undefined;
  }
}

function checkDimension(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_DIMENSION) {
    throw new RuntimeError(
      'INVALID_DIMENSIONS',
      `frame_metadata.${name} must be an integer in 1..${MAX_DIMENSION}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Bytes per row of the first plane when the rows are packed (no padding). */
export function packedRowBytes(format: FrameFormat, width: number): number {
  return format === 'RGB24' || format === 'BGR24' ? width * 3 : width;
}

export function frameLayout(format: string, width: number, height: number, stride?: number): FrameLayout {
  const fmt = normaliseFormat(format);
  if (fmt === undefined) {
    throw new RuntimeError(
      'UNSUPPORTED_FORMAT',
      `frame_metadata.format must be one of ${FRAME_FORMATS.join(', ')} (any letter case), got ${JSON.stringify(format)}`,
    );
  }
  const w = checkDimension('width', width);
  const h = checkDimension('height', height);
  if ((fmt === 'NV12' || fmt === 'I420') && (w % 2 !== 0 || h % 2 !== 0)) {
    throw new RuntimeError('ODD_DIMENSIONS', `${fmt} needs even width and height, got ${w}x${h}`);
  }
  const rowBytes = packedRowBytes(fmt, w);
  let s = rowBytes;
  if (stride !== undefined && stride !== null) {
    if (typeof stride !== 'number' || !Number.isInteger(stride) || stride < rowBytes || stride > rowBytes + 4 * MAX_DIMENSION) {
      throw new RuntimeError(
        'INVALID_DIMENSIONS',
        `frame_metadata.stride must be an integer >= ${rowBytes} (the row size of ${fmt} at width ${w}), got ${JSON.stringify(stride)}`,
      );
    }
    s = stride;
  }
  const ySize = s * h;
  switch (fmt) {
    case 'NV12':
      return { format: fmt, width: w, height: h, stride: s, chromaStride: s, uOffset: ySize, vOffset: ySize, byteLength: ySize + s * (h / 2) };
    case 'I420': {
      const cs = Math.ceil(s / 2);
      const planeSize = cs * (h / 2);
      return { format: fmt, width: w, height: h, stride: s, chromaStride: cs, uOffset: ySize, vOffset: ySize + planeSize, byteLength: ySize + 2 * planeSize };
    }
    default:
      return { format: fmt, width: w, height: h, stride: s, chromaStride: 0, uOffset: 0, vOffset: 0, byteLength: ySize };
  }
}
