/**
 * The thread-floor bench's servers (runtime/bench/thread-floor.ts): the
 * least two threaded designs can do per one-shot request, with none of the
 * runtime's supervision (no pool, leases, limits, metrics or health).
 *
 *   hop     the main thread accepts and reads the whole request, posts its
 *           bytes and the socket's descriptor to a worker (round robin), the
 *           worker writes the answer straight to the descriptor and posts a
 *           result back: the runtime's essential path (reply-lease.ts).
 *   accept  no hop: every worker listens on ONE listening descriptor (the
 *           first creates it, the others `listen({ fd })`) and serves its
 *           connections itself; the main thread only waits. A ceiling only:
 *           a worker's exit closes that shared descriptor for all of them
 *           (Node cannot dup it), see docs/benchmarks.md.
 *
 * WORK=echo answers the echo server's bytes; WORK=noop does the runtime's
 * own per-request work for a no-op model in the worker (parse, readFrame
 * with its path guard, preprocess, the response text), FLOOR_ROOT being the
 * frames' allowed root.
 *
 * Usage: node --import tsx thread-floor-server.ts <socket path> <hop|accept>
 */
import { writeSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { encodeMessage, loadModelConfig, preprocess, readFrame, releaseInput, type InferenceRequest } from '@ruth-ai/model-runtime';
import { ECHO_ANSWER } from './echo-answer.js';

/** As many workers as the runtime starts by default, one per core, unless FLOOR_WORKERS says otherwise. */
const WORKERS = Number(process.env.FLOOR_WORKERS ?? os.availableParallelism());
const spec = process.env.WORK === 'noop' ? loadModelConfig(process.env.FLOOR_MODEL!).input : null;
const isWhole = (buf: Buffer): boolean => buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0);

/** The framed answer to one request's bytes (length prefix included). */
function answer(req: Buffer): Uint8Array {
  const text = req.toString('utf8', 4, 4 + req.readUInt32BE(0));
  const request = JSON.parse(text) as InferenceRequest;
  if (process.env.WORK !== 'noop') return ECHO_ANSWER;
  const t0 = performance.now();
  const frame = readFrame(request.frame_reference, request.frame_metadata, { allowedRoots: [process.env.FLOOR_ROOT!] });
  const input = preprocess(frame, spec!);
  releaseInput(input);
  const metadata = { total_ms: performance.now() - t0, device: 'cpu' };
  const body = { model_id: request.model_id, camera_id: request.camera_id, frame_id: request.frame_metadata.frame_id, detections: [], metadata, error: null, error_code: null };
  return encodeMessage(JSON.stringify(body));
}

/** Calls `onRequest` with each connection's whole request. */
function onWholeRequest(onRequest: (sock: net.Socket, req: Buffer) => void): (sock: net.Socket) => void {
  return (sock) => {
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (isWhole(buf)) onRequest(sock, buf);
    });
    sock.on('error', () => sock.destroy());
  };
}

/** The descriptor under a net handle (Unix only; not public API, a bench may use it). */
const fdOf = (x: net.Server | net.Socket): number => (x as unknown as { _handle: { fd: number } })._handle.fd;

function mainThread(socketPath: string, design: string): void {
  try {
    unlinkSync(socketPath);
  } catch {
    // absent: fine
  }
  const ready = (): boolean => process.stdout.write('{"msg":"ready"}\n');
  // Worker threads do not inherit tsx's loader (Node 20): each imports this file through tsx's API.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const start = (data: object): Worker => new Worker(boot, { eval: true, workerData: { design, ...data } });
  process.on('SIGTERM', () => process.exit(0));
  if (design === 'hop') {
    const workers = Array.from({ length: WORKERS }, () => start({}));
    let next = 0;
    const server = net.createServer({ allowHalfOpen: true }, onWholeRequest((sock, req) => {
      workers[next]!.postMessage({ fd: fdOf(sock), req });
      next = (next + 1) % workers.length;
    }));
    // The caller closes once it has its answer; the worker's result message is the pool's bookkeeping.
    server.on('connection', (sock) => sock.on('end', () => sock.destroy()));
    server.listen({ path: socketPath, backlog: 4096 }, ready);
    return;
  }
  const first = start({ path: socketPath });
  first.once('message', ({ fd }: { fd: number }) => {
    let listening = 1;
    for (let i = 1; i < WORKERS; i++) start({ fd }).once('message', () => ++listening === WORKERS && ready());
    if (WORKERS === 1) ready();
  });
}

function workerThread(): void {
  const port = parentPort!;
  const data = workerData as { design: string; path?: string; fd?: number };
  if (data.design === 'hop') {
    port.on('message', ({ fd, req }: { fd: number; req: Uint8Array }) => {
      try {
        writeSync(fd, answer(Buffer.from(req.buffer, req.byteOffset, req.byteLength)));
      } catch {
        // The caller left: nothing to answer.
      }
      port.postMessage(1);
    });
    return;
  }
  const server = net.createServer(onWholeRequest((sock, req) => sock.write(answer(req))));
  if (data.path) server.listen({ path: data.path, backlog: 4096 }, () => port.postMessage({ fd: fdOf(server) }));
  else server.listen({ fd: data.fd! }, () => port.postMessage({}));
}

if (isMainThread) mainThread(process.argv[2]!, process.argv[3]!);
else workerThread();
