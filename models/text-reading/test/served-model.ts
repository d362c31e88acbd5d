/**
 * A model folder served by a real `ruth-model serve` process, for a model's
 * own golden tests and evals: the weights fetched, a shared-memory folder
 * for frames, and `ask(case)` sending a golden case's photo as a real frame
 * over the Unix socket.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchWeights, request, type InferenceResponse } from '@ruth-ai/model-runtime';
import { frameFromImage, startServerProcess, type ServerProcess } from '@ruth-ai/model-runtime/testing';

export interface Picture {
  name: string;
  /** Absolute path of the JPEG/PNG. */
  image: string;
  format?: string;
}

export interface ServedModel {
  server: ServerProcess;
  ask(picture: Picture, config: Record<string, unknown> | null): Promise<InferenceResponse>;
  /** SIGTERM; the exit code and whether the socket file was left behind (then everything is cleaned up). */
  stop(): Promise<{ code: number | null; socketLeft: boolean }>;
}

export async function serveModel(modelDir: string, modelId: string, options: { workers?: number; loadTimeoutMs?: number; requestTimeoutMs?: number } = {}): Promise<ServedModel> {
  await fetchWeights(modelDir);
  const shmDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), `${modelId}-golden-`));
  let server: ServerProcess;
  try {
    server = await startServerProcess({ RUTH_MODEL_ID: modelId, RUTH_WORKERS: String(options.workers ?? 2) }, path.dirname(modelDir), options.loadTimeoutMs ?? 60_000);
  } catch (err) {
    rmSync(shmDir, { recursive: true, force: true });
    throw err;
  }
  return {
    server,
    async ask(picture, config) {
      const format = picture.format ?? 'NV12';
      const frame = await frameFromImage(picture.image, format);
      const file = path.join(shmDir, `${picture.name.replace(/[^\w.-]/g, '_')}.${format.toLowerCase()}`);
      writeFileSync(file, frame.bytes);
      const now = Date.now() / 1000;
      return request<InferenceResponse>(
        server.socketPath,
        { frame_reference: file, frame_metadata: { frame_id: 7, width: frame.width, height: frame.height, format, timestamp: now }, camera_id: 'golden', model_id: modelId, timestamp: now, config },
        { timeoutMs: options.requestTimeoutMs ?? 30_000 },
      );
    },
    async stop() {
      try {
        const exit = await server.stop('SIGTERM');
        const socketLeft = existsSync(server.socketPath);
        server.cleanup();
        return { code: exit.code, socketLeft };
      } finally {
        rmSync(shmDir, { recursive: true, force: true });
      }
    },
  };
}
