/**
 * `ruth-model infer --socket PATH --image photo.jpg [--format NV12]
 *                   [--annotate out.png] [--config JSON] [--camera-id ID]`
 *
 * Sends one real request for a picture and prints the JSON answer:
 *   1. decode the JPEG/PNG (EXIF orientation applied);
 *   2. encode it as a frame in /dev/shm (removed afterwards);
 *   3. ask the server which model it serves (describe), send the request;
 *   4. print the response; with --annotate, write a PNG with the boxes,
 *      skeletons and labels drawn on the picture.
 * Exit 0 on an answer without error, 1 on an error answer or failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { InferenceResponse } from '../api/wire.js';
import { request } from '../client/one-shot.js';
import { annotate } from './annotate.js';
import { decodeImage } from './decode.js';
import { encodePng } from './encode-png.js';
import { flags } from '../cli/args.js';
import { writeTempFrame } from './infer-frame.js';
import { resolveSocket } from '../cli/socket-arg.js';

const USAGE = 'usage: ruth-model infer --image PHOTO.jpg|png [--socket PATH] [--format NV12] [--annotate OUT.png] [--config JSON] [--camera-id ID] [--timeout-ms N]';

function parseConfig(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`--config must be a JSON object, got ${text}`);
  return value as Record<string, unknown>;
}

export async function inferCommand(argv: string[]): Promise<number> {
  let f: Record<string, string | undefined>;
  try {
    f = flags(argv, ['socket', 'image', 'format', 'annotate', 'config', 'camera-id', 'timeout-ms']);
    if (!f.image) throw new Error('--image is required');
  } catch (err) {
    process.stderr.write(`ruth-model infer: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let frame: ReturnType<typeof writeTempFrame> | undefined;
  try {
    const socket = resolveSocket(f.socket);
    const timeoutMs = Number(f['timeout-ms'] ?? 30_000);
    const config = parseConfig(f.config);
    const image = decodeImage(readFileSync(f.image!));
    frame = writeTempFrame(image, f.format ?? 'NV12');

    const described = await request<{ model_id?: string; model?: { model_id?: string } }>(socket, { op: 'describe' }, { timeoutMs });
    const modelId = described.model_id ?? described.model?.model_id;
    if (!modelId) throw new Error(`the server at ${socket} did not say which model it serves: ${JSON.stringify(described)}`);

    const now = Date.now() / 1000;
    const response = await request<InferenceResponse>(socket, {
      frame_reference: frame.path,
      frame_metadata: { frame_id: 1, width: frame.width, height: frame.height, format: frame.format, timestamp: now },
      camera_id: f['camera-id'] ?? 'ruth-model-infer',
      model_id: modelId,
      timestamp: now,
      config,
    }, { timeoutMs });
    process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);

    if (response.error) {
      process.stderr.write(`ruth-model infer: the model answered ${response.error_code ?? 'an error'}: ${response.error}\n`);
      return 1;
    }
    if (f.annotate) {
      writeFileSync(f.annotate, encodePng(annotate(frame.image, response.detections ?? [])));
      process.stderr.write(`ruth-model infer: wrote ${f.annotate} (${response.detections?.length ?? 0} detection(s))\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`ruth-model infer: ${(err as Error).message}\n`);
    return 1;
  } finally {
    frame?.remove();
  }
}
