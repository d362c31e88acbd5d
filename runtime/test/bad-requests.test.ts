/**
 * One test per bad-input case of issue 2. Each checks the exact error_code,
 * that the response carries all six contract keys, and that the next good
 * request on a new connection is served.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { MessageDecoder } from '../src/ipc/message-codec.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { framed, goodRequest } from './helpers/frames.js';
import { exchangeRaw } from './helpers/raw.js';
import { startServerProcess, type ServerProcess } from '../src/testing/spawn-server.js';

const SIX_KEYS = ['model_id', 'camera_id', 'frame_id', 'detections', 'metadata', 'error'];

describe('bad requests get a framed error and the server keeps serving', { timeout: 30_000 }, () => {
  let server: ServerProcess;
  let frames: FrameDir;
  let outside: string;
  let good: string;

  beforeAll(async () => {
    frames = new FrameDir('/dev/shm');
    outside = mkdtempSync(path.join(os.tmpdir(), 'ruth-outside-'));
    good = frames.nv12('good.nv12', 64, 48);
    // Only the frames folder is allowed: /tmp files are "outside the roots".
    server = await startServerProcess({ RUTH_ALLOWED_ROOTS: frames.dir, RUTH_MAX_REQUEST_BYTES: String(64 * 1024) });
  });

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    frames?.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  async function expectError(bytes: Buffer, code: string, echo?: { frame_id?: unknown; camera_id?: unknown; model_id?: unknown }): Promise<Record<string, unknown>> {
    const { responses, closedByServer } = await exchangeRaw(server.socketPath, bytes);
    const r = responses[0]!;
    expect(r.error_code).toBe(code);
    for (const key of SIX_KEYS) expect(r).toHaveProperty(key);
    expect(typeof r.error).toBe('string');
    expect((r.error as string).length).toBeGreaterThan(0);
    expect(r.detections).toEqual([]);
    if (echo) expect(r).toMatchObject(echo);
    if (code !== 'REQUEST_TOO_LARGE') expect(closedByServer).toBe(false);
    await expectServed();
    return r;
  }

  async function expectServed(): Promise<void> {
    const body = goodRequest(good);
    const r = await request(server.socketPath, body);
    expect(r.error).toBeNull();
    expect(r.frame_id).toBe((body.frame_metadata as { frame_id: number }).frame_id);
    expect(r.detections).toHaveLength(1);
  }

  const send = (obj: unknown): Buffer => framed(JSON.stringify(obj));
  const withMeta = (meta: Record<string, unknown>): Buffer => {
    const body = goodRequest(good);
    return send({ ...body, frame_metadata: { ...(body.frame_metadata as object), ...meta } });
  };

  it('bad JSON -> INVALID_JSON', () => expectError(framed('{"frame_reference": '), 'INVALID_JSON', { frame_id: null, camera_id: '' }));
  it('bad UTF-8 -> INVALID_UTF8', () => expectError(framed(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])), 'INVALID_UTF8'));
  it('non-object body -> INVALID_REQUEST', () => expectError(framed('[1,2,3]'), 'INVALID_REQUEST'));
  it('zero length -> EMPTY_REQUEST', () => expectError(Buffer.alloc(4), 'EMPTY_REQUEST'));

  for (const field of ['frame_reference', 'frame_metadata', 'camera_id', 'model_id', 'timestamp']) {
    it(`missing ${field} -> MISSING_FIELD`, () => {
      const body = goodRequest(good);
      delete body[field];
      return expectError(send(body), 'MISSING_FIELD');
    });
  }
  for (const field of ['width', 'height', 'format']) {
    it(`missing frame_metadata.${field} -> MISSING_FIELD`, () => {
      const body = goodRequest(good);
      delete (body.frame_metadata as Record<string, unknown>)[field];
      return expectError(send(body), 'MISSING_FIELD', { frame_id: (body.frame_metadata as { frame_id: number }).frame_id });
    });
  }

  it('wrong types -> INVALID_FIELD', async () => {
    await expectError(send(goodRequest(good, { camera_id: 42 })), 'INVALID_FIELD', { camera_id: '' });
    await expectError(send(goodRequest(good, { camera_id: '' })), 'INVALID_FIELD');
    await expectError(send(goodRequest(good, { model_id: ['echo'] })), 'INVALID_FIELD');
    await expectError(send(goodRequest(good, { frame_reference: 7 })), 'INVALID_FIELD');
    await expectError(send(goodRequest(good, { frame_metadata: 'meta' })), 'INVALID_FIELD');
    await expectError(send(goodRequest(good, { timestamp: '1700000000' })), 'INVALID_FIELD');
    await expectError(withMeta({ width: '64' }), 'INVALID_FIELD');
  });
  it('non-positive or non-finite timestamp -> INVALID_FIELD', async () => {
    await expectError(send(goodRequest(good, { timestamp: 0 })), 'INVALID_FIELD');
    await expectError(send(goodRequest(good, { timestamp: -5 })), 'INVALID_FIELD');
  });
  it('non-positive, fractional and huge dimensions -> INVALID_DIMENSIONS', async () => {
    await expectError(withMeta({ width: 0 }), 'INVALID_DIMENSIONS');
    await expectError(withMeta({ height: -48 }), 'INVALID_DIMENSIONS');
    await expectError(withMeta({ width: 64.5 }), 'INVALID_DIMENSIONS');
    await expectError(withMeta({ width: 100_000, height: 100_000 }), 'INVALID_DIMENSIONS');
  });
  it('odd NV12 size -> ODD_DIMENSIONS', () => expectError(withMeta({ width: 63 }), 'ODD_DIMENSIONS'));
  it('unknown format -> UNSUPPORTED_FORMAT', () => expectError(withMeta({ format: 'YUYV' }), 'UNSUPPORTED_FORMAT'));
  it('missing frame -> FRAME_NOT_FOUND', () => expectError(send(goodRequest(path.join(frames.dir, 'nope.nv12'))), 'FRAME_NOT_FOUND'));
  it('short frame -> FRAME_TOO_SHORT', () => expectError(send(goodRequest(frames.raw('short.nv12', 100))), 'FRAME_TOO_SHORT'));
  it('path outside the allowed roots -> PATH_NOT_ALLOWED', async () => {
    const file = path.join(outside, 'frame.nv12');
    writeFileSync(file, Buffer.alloc(64 * 48 * 1.5));
    await expectError(send(goodRequest(file)), 'PATH_NOT_ALLOWED');
    await expectError(send(goodRequest(`${frames.dir}/../../etc/passwd`)), 'PATH_NOT_ALLOWED');
  });
  it('symlink escaping the allowed roots -> PATH_NOT_ALLOWED', () => {
    const target = path.join(outside, 'secret.nv12');
    writeFileSync(target, Buffer.alloc(64 * 48 * 1.5));
    const link = path.join(frames.dir, 'escape.nv12');
    symlinkSync(target, link);
    return expectError(send(goodRequest(link)), 'PATH_NOT_ALLOWED');
  });
  it('model_id of another model -> MODEL_MISMATCH, echoing what was sent', () =>
    expectError(send(goodRequest(good, { model_id: 'fall-detection' })), 'MODEL_MISMATCH', { model_id: 'fall-detection', camera_id: 'cam-1' }));

  it('checks model_id before the frame geometry, as docs/protocol.md orders them', () =>
    expectError(send(goodRequest(good, { model_id: 'fall-detection', frame_metadata: { width: 0, height: 48, format: 'YUYV' } })), 'MODEL_MISMATCH'));
  it('config not an object -> INVALID_CONFIG', async () => {
    await expectError(send(goodRequest(good, { config: 'fast' })), 'INVALID_CONFIG');
    await expectError(send(goodRequest(good, { config: [1] })), 'INVALID_CONFIG');
    await expectError(send(goodRequest(good, { config: { confidence_threshold: 7 } })), 'INVALID_CONFIG');
  });
  it('unknown op -> UNKNOWN_OP', () => expectError(send({ op: 'reboot' }), 'UNKNOWN_OP'));

  it('oversize length -> REQUEST_TOO_LARGE, then the connection is closed', async () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(64 * 1024 + 1);
    const { responses, closedByServer } = await exchangeRaw(server.socketPath, Buffer.concat([head, Buffer.alloc(1000, 0x20)]));
    expect(responses).toHaveLength(1);
    expect(responses[0]!.error_code).toBe('REQUEST_TOO_LARGE');
    expect(closedByServer).toBe(true);
    await expectServed();
  });

  it('a missing frame_id is echoed as null, never 0', async () => {
    const body = goodRequest(good);
    delete (body.frame_metadata as Record<string, unknown>).frame_id;
    const r = await request(server.socketPath, body);
    expect(r.error).toBeNull();
    expect(r.frame_id).toBeNull();
  });

  it('answers a request split into one-byte writes, and one whose sender shuts down its write side', async () => {
    const bytes = send(goodRequest(good));
    const net = await import('node:net');
    const r = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const sock = net.connect(server.socketPath);
      const decoder = new MessageDecoder();
      sock.on('connect', async () => {
        for (let i = 0; i < bytes.length; i++) {
          sock.write(bytes.subarray(i, i + 1));
          if (i % 50 === 0) await new Promise((res) => setImmediate(res));
        }
        sock.end();
      });
      sock.on('data', (c: Buffer) => {
        for (const item of decoder.push(c)) if (item.kind === 'message') resolve(JSON.parse(item.body.toString()) as Record<string, unknown>);
      });
      sock.on('error', reject);
    });
    expect(r.error).toBeNull();
    expect(r.detections).toHaveLength(1);
  });
});
