/**
 * `npm run soak`: a bounded hostile mix (about 90 s, never part of the tests)
 * against the real `ruth-model serve` (the echo test model, 2 workers).
 * After a warm-up, between attacks a flood of good one-shot requests runs; during each attack
 * it keeps running. For every phase it prints the server's RSS, open fds,
 * the health round trip (a main-thread answer, so its p99 is the event-loop
 * delay callers feel) and the served rate, and checks the targets:
 * no crash, no lost answer, RSS back within 50 MiB of the baseline after
 * every attack (against a baseline taken once the good flood alone has
 * settled the heap), health truthful. Writes the `soak` section of the report
 * file named by its argument (npm run soak: docs/benchmarks.md).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encodeMessage } from '@ruth-ai/model-runtime';
import { machine, startServerProcess, writeSection, type ServerProcess } from '@ruth-ai/model-runtime/testing';

const DOC = process.argv[2];
if (!DOC) throw new Error('usage: tsx runtime/bench/soak.ts <report.md>');
const PHASE_MS = 5000;
const FLOOD_CALLERS = 8;
/** Warm-up phases run until RSS moves by at most this between two (at most MAX_WARMUPS): the baseline is the settled flood. */
const SETTLED_MIB = 10;
const MAX_WARMUPS = 5;

interface Counts { ok: number; coded: Record<string, number>; lost: number }

const shm = mkdtempSync('/dev/shm/ruth-soak-');
const outside = mkdtempSync(path.join(os.tmpdir(), 'ruth-soak-outside-'));

function request(frameReference: string, extra: Record<string, unknown> = {}, width = 64, height = 48, format = 'NV12'): Record<string, unknown> {
  return { frame_reference: frameReference, frame_metadata: { frame_id: 1, width, height, format }, camera_id: 'soak', model_id: 'echo', timestamp: 1_700_000_000, config: null, ...extra };
}

/** One connection, one framed request, one answer (or none: lost). */
function oneShot(socket: string, bytes: Buffer): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const s = net.connect(socket);
    let buf = Buffer.alloc(0);
    s.on('connect', () => s.write(bytes));
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        s.destroy();
        resolve(JSON.parse(buf.subarray(4, 4 + buf.readUInt32BE(0)).toString('utf8')) as Record<string, unknown>);
      }
    });
    s.on('error', () => resolve(null));
    s.on('close', () => resolve(null));
  });
}

function count(into: Counts, r: Record<string, unknown> | null): void {
  if (r === null) into.lost++;
  else if (r.error_code === null) into.ok++;
  else into.coded[r.error_code as string] = (into.coded[r.error_code as string] ?? 0) + 1;
}

/** Good requests from FLOOD_CALLERS loops until `stop` resolves. */
async function flood(socket: string, frame: string, stop: Promise<void>): Promise<Counts> {
  const c: Counts = { ok: 0, coded: {}, lost: 0 };
  let done = false;
  void stop.then(() => (done = true));
  const body = encodeMessage(JSON.stringify(request(frame)));
  await Promise.all(Array.from({ length: FLOOD_CALLERS }, async () => {
    while (!done) count(c, await oneShot(socket, body));
  }));
  return c;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m![1]) / 1024);
}

const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

interface Row { phase: string; rssMiB: number; fds: number; healthP99Ms: number; served: number; lost: number; status: string; coded: string }

/** Runs `attack` (if any) for PHASE_MS under a good flood, sampling the server as it goes. */
async function phase(server: ServerProcess, frame: string, name: string, attack?: (until: Promise<void>) => Promise<unknown>): Promise<Row> {
  const pid = server.proc.pid!;
  let end!: () => void;
  const stop = new Promise<void>((resolve) => (end = resolve));
  const started = performance.now();
  const flooding = flood(server.socketPath, frame, stop);
  const attacking = attack?.(stop);
  const pings: number[] = [];
  let rss = 0;
  let maxFds = 0;
  const statuses = new Set<string>();
  while (performance.now() - started < PHASE_MS) {
    const t0 = performance.now();
    const h = await oneShot(server.socketPath, encodeMessage('{"op":"health"}'));
    pings.push(performance.now() - t0);
    if (h?.status) statuses.add(`${h.status as string}${h.error ? ` (${String(h.error).slice(0, 60)})` : ''}`);
    rss = Math.max(rss, rssMiB(pid));
    maxFds = Math.max(maxFds, fds(pid));
    await new Promise((r) => setTimeout(r, 100));
  }
  end();
  const [c] = await Promise.all([flooding, attacking]);
  pings.sort((a, b) => a - b);
  const seconds = (performance.now() - started) / 1000;
  return {
    phase: name,
    rssMiB: attack ? rss : rssMiB(pid),
    fds: maxFds,
    healthP99Ms: Math.round(pings[Math.floor(pings.length * 0.99)]! * 10) / 10,
    served: Math.round(c.ok / seconds),
    lost: c.lost,
    status: [...statuses].join(', '),
    coded: Object.entries(c.coded).map(([k, v]) => `${k} ${v}`).join(', '),
  };
}

// ---- attacks (each runs until `until` resolves) -------------------------------

const deepNesting = (socket: string, frame: string) => async (until: Promise<void>): Promise<void> => {
  let done = false;
  void until.then(() => (done = true));
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  const body = encodeMessage(JSON.stringify(request(frame)).replace('"config":null', `"config":${deep}`));
  while (!done) await oneShot(socket, body);
};

const partialBodies = (socket: string) => async (until: Promise<void>): Promise<void> => {
  // 60 callers announce a 60 KiB body and send all but its last byte, then wait.
  const head = Buffer.alloc(4);
  head.writeUInt32BE(60 * 1024, 0);
  const bytes = Buffer.concat([head, Buffer.alloc(60 * 1024 - 1, 0x20)]);
  const sockets = Array.from({ length: 60 }, () => {
    const s = net.connect(socket, () => s.write(bytes));
    s.on('error', () => undefined);
    return s;
  });
  await until;
  for (const s of sockets) s.destroy();
};

const neverReads = (socket: string) => async (until: Promise<void>): Promise<void> => {
  const one = encodeMessage('{"op":"describe"}');
  const flood = Buffer.concat(Array.from({ length: 50_000 }, () => one));
  const sockets = Array.from({ length: 3 }, () => {
    const s = net.connect(socket, () => s.write(flood));
    s.pause();
    s.on('error', () => undefined);
    return s;
  });
  await until;
  for (const s of sockets) s.destroy();
};

const idleConnections = (socket: string) => async (until: Promise<void>): Promise<void> => {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < 1100; i++) {
    const s = net.connect(socket);
    s.on('error', () => undefined);
    sockets.push(s);
  }
  await until;
  for (const s of sockets) s.destroy();
};

/** Swaps a folder inside /dev/shm with a symlink to a folder outside, as fast as it can, while requests read through it. */
const pathRace = (socket: string, escapes: { served: number; refused: number }) => async (until: Promise<void>): Promise<void> => {
  let done = false;
  void until.then(() => (done = true));
  const base = path.join(shm, 'race');
  const cam = path.join(base, 'cam');
  mkdirSync(cam, { recursive: true });
  writeFileSync(path.join(cam, 'frame'), Buffer.alloc(64 * 48 * 1.5, 128));
  writeFileSync(path.join(outside, 'frame'), Buffer.alloc(64 * 48 * 1.5, 255));
  const swapper = (async () => {
    while (!done) {
      renameSync(cam, `${cam}.real`);
      symlinkSync(outside, cam);
      await new Promise((r) => setImmediate(r));
      rmSync(cam);
      renameSync(`${cam}.real`, cam);
      await new Promise((r) => setImmediate(r));
    }
  })();
  const body = encodeMessage(JSON.stringify(request(path.join(cam, 'frame'))));
  const readers = Promise.all(Array.from({ length: 4 }, async () => {
    while (!done) {
      const r = await oneShot(socket, body);
      // The echo model reports the frame's mean: the outside frame is brighter.
      if (r?.error_code === null && ((r.metadata as { mean: number }).mean > 0.9)) escapes.served++;
      if (r?.error_code === 'PATH_NOT_ALLOWED') escapes.refused++;
    }
  }));
  await Promise.all([swapper, readers]);
};

/** One 16384x16384 GRAY8 frame from a sparse file, then normal frames. */
const hugeFrame = (socket: string) => async (): Promise<void> => {
  const file = path.join(shm, 'huge.gray');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, 16384 * 16384);
  closeSync(fd);
  await oneShot(socket, encodeMessage(JSON.stringify(request(file, {}, 16384, 16384, 'GRAY8'))));
  rmSync(file);
};

// ---- run ------------------------------------------------------------------------

const load = os.loadavg()[0]!;
const server = await startServerProcess({ RUTH_WORKERS: '2', RUTH_READ_TIMEOUT_MS: '2000', RUTH_IDLE_TIMEOUT_MS: '3000', RUTH_ALLOWED_ROOTS: shm });
const frame = path.join(shm, 'good.nv12');
writeFileSync(frame, Buffer.alloc(64 * 48 * 1.5, 128));
const escapes = { served: 0, refused: 0 };
const rows: Row[] = [];
const warmups: number[] = [];
try {
  const attacks: [string, ((until: Promise<void>) => Promise<unknown>) | undefined][] = [
    ['baseline (good flood only)', undefined],
    ['deep nesting (5,000 levels)', deepNesting(server.socketPath, frame)],
    ['partial bodies (60 x 60 KiB less 1 byte)', partialBodies(server.socketPath)],
    ['never-reading pipeliners (3 x 50,000)', neverReads(server.socketPath)],
    ['idle connections (1,100)', idleConnections(server.socketPath)],
    ['path race (folder <-> symlink swap)', pathRace(server.socketPath, escapes)],
    ['huge frame (16384x16384)', hugeFrame(server.socketPath)],
  ];
  // Warm-up (not a baseline): under the good flood alone each thread's heap grows
  // for 15-20 s (RSS +80-100 MiB in a run without any attack), then levels off.
  // The baseline is taken once two warm-up phases end within SETTLED_MIB.
  for (let i = 0; i < MAX_WARMUPS; i++) {
    warmups.push((await phase(server, frame, 'warm-up')).rssMiB);
    if (warmups.length >= 2 && Math.abs(warmups.at(-1)! - warmups.at(-2)!) <= SETTLED_MIB) break;
  }
  console.log(`warm-up RSS MiB: ${warmups.join(', ')}`);
  for (const [name, attack] of attacks) {
    rows.push(await phase(server, frame, name, attack));
    if (attack) rows.push(await phase(server, frame, '  after'));
    console.log(rows.slice(attack ? -2 : -1).map((r) => JSON.stringify(r)).join('\n'));
  }
} finally {
  await server.stop();
  server.cleanup();
  rmSync(shm, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
}

const baseline = rows[0]!;
const afters = rows.filter((r) => r.phase.trim() === 'after');
const worstAfter = Math.max(...afters.map((r) => r.rssMiB - baseline.rssMiB));
const exit = await server.exited;
const lost = rows.reduce((n, r) => n + r.lost, 0);
const table = [
  '| phase | RSS MiB | open fds (max) | health p99 ms | good served /s | good lost | health said | other answers |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.phase} | ${r.rssMiB} | ${r.fds} | ${r.healthP99Ms} | ${r.served} | ${r.lost} | ${r.status} | ${r.coded} |`),
].join('\n');
const verdict = [
  `- crash: ${exit.signal === null && exit.code === 0 ? 'none (clean SIGTERM exit 0 at the end)' : `exit ${JSON.stringify(exit)}`}`,
  `- good requests lost (no answer): ${lost}`,
  `- RSS after each attack minus baseline: worst ${worstAfter} MiB (target <= 50)`,
  `- path race: ${escapes.served} answers served from outside the roots, ${escapes.refused} refused PATH_NOT_ALLOWED`,
].join('\n');
const body = `## Soak (\`npm run soak\`)

${machine(load)}. Echo test model, 2 workers, RUTH_READ_TIMEOUT_MS 2000, RUTH_IDLE_TIMEOUT_MS 3000,
${FLOOD_CALLERS} one-shot callers of good requests throughout; each phase ${PHASE_MS / 1000} s. "after" rows are the good flood alone
right after the attack above. RSS is the phase's peak during an attack and the end value after it. Before the baseline,
the good flood alone runs until RSS settles (two ${PHASE_MS / 1000} s phases within ${SETTLED_MIB} MiB, at most ${MAX_WARMUPS}): RSS at the end of each
warm-up phase was ${warmups.join(', ')} MiB.

${table}

${verdict}
`;
console.log(`\n${body}`);
writeSection(DOC, 'soak', body);
