/**
 * The inference pool: worker threads that each hold one loaded copy of the
 * model, behind an admission bound. Past the bound a caller gets OVERLOADED
 * at once: the queue never grows without limit.
 *
 * Requests admitted in one turn of the event loop are handed to idle workers
 * in batches (one message per worker, not one per request): on a 2-core
 * machine a thread wake-up costs more than a small request, so this is what
 * makes thousands of requests per second possible. A worker only gets a new
 * batch when idle. A batch's tasks are started one by one, and the ones not
 * started yet are taken back (worker-slot.ts) when its worker has been on one
 * task for HOLD_MS while another worker is idle, or when their deadline
 * passes: no request waits behind a slow one while another worker is free.
 *
 * Failures, each answered once, each affecting only its own request:
 *   not started by its deadline -> QUEUE_TIMEOUT (queued, or in a batch
 *                               behind another task: taken back unstarted)
 *   running past its budget  -> TIMEOUT; the thread is ended, but only for the
 *                               request's own running time: queue time never
 *                               counts, so overload alone never kills a worker
 *   cannot be handed over    -> HANDOFF_FAILED (e.g. too deep to copy)
 *   thread exited/threw      -> WORKER_CRASHED for the running request (exit
 *                               code 0 included); the rest of its batch is
 *                               re-queued; a new thread loads the model
 *   replacement fails to load -> retried with backoff; health reports the slot
 *                               (problem()) until a thread is ready again
 *
 * A request may come with a reply target (its connection's socket): its
 * worker then writes the answer to the caller itself, under a lease
 * (reply-lease.ts). Before the pool answers such a request itself it settles
 * the lease; a worker that already wrote wins: no TIMEOUT after a written
 * answer, no re-run of an answered request after a crash.
 */
import { fileURLToPath } from 'node:url';
import type { InferenceRequest } from '../api/wire.js';
import type { ModelConfig } from '../config/model-config.js';
import { pinOnnxRuntime } from '../engines/onnx.js';
import { StartupError } from '../errors/errors.js';
import type { StageTimes } from '../metrics/metrics.js';
import type { Problem } from '../health/condition.js';
import type { Echo } from '../ipc/response.js';
import type { QueuedTask } from './queued-task.js';
import { ReplyLeases, type ReplyTarget, type WriteOutcome } from './reply-lease.js';
import type { TaskResult } from './task.js';
import { WorkerSlot, type SlotEvents } from './worker-slot.js';

/**
 * How long a worker past a deadline may take to finish its task before it is
 * terminated: long enough for any real native engine call (terminating a
 * thread inside one aborts the process), short enough that a handler stuck
 * in a JavaScript loop is replaced.
 */
const MIN_RETIRE_GRACE_MS = 30_000;

export interface WorkerPoolOptions {
  modelDir: string;
  config: ModelConfig;
  /**
   * The weight paths, or a promise of them while their sha256 is checked:
   * the threads start at once and load the model when it resolves.
   */
  weights: string[] | Promise<string[]>;
  allowedRoots: string[];
  workers: number;
  maxInFlight: number;
  timeoutMs: number;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Most requests handed to one worker at once. */
  maxBatch?: number;
  /** Tasks are batched only while they measure (moving average) under this many ms; default 2. */
  batchUnderMs?: number;
  metrics?: PoolMetrics;
}

/** What the pool reports to the metrics (metrics/metrics.ts). */
export interface PoolMetrics {
  queued(ms: number): void;
  stages(times: StageTimes): void;
  workerRestarted(): void;
  workerLoadFailed(): void;
}

/**
 * Longest that tiny tasks wait for a busy worker before another is woken, and
 * that a worker may stay on one task before the rest of its batch is taken
 * back for an idle worker.
 */
const HOLD_MS = 2;
/** A replacement worker that fails to load is retried after 1 s, 2 s, 4 s... at most 30 s. */
export const RESTART_BACKOFF_MS = { first: 1000, max: 30_000 };

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));
/** Longest health or metrics wait for a worker to report an answer it wrote (it does so right after writing). */
const REPORT_WAIT_MS = 100;
/** Never notified: Atomics.wait on it is a short sleep. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/** Reply leases (one per request in flight with a reply target); past this many, answers go through the main thread. */
const MAX_LEASES = 4096;
/**
 * What the pool records for a request whose worker wrote the answer and died
 * before reporting it: the caller has its answer; the outcome is unknown.
 */
const WRITTEN_UNREPORTED: TaskResult = Object.freeze({ ok: true, detections: '[]', metadata: 'null' });

export class WorkerPool {
  readonly workers: number;
  readonly maxInFlight: number;
  readonly #options: WorkerPoolOptions;
  readonly #slots: WorkerSlot[];
  readonly #queue: QueuedTask[] = [];
  readonly #maxBatch: number;
  readonly #batchUnderMs: number;
  #inFlight = 0;
  #seq = 0;
  #dispatchScheduled = false;
  /** Moving average of one task's run time inside a worker (ms). */
  #taskMs = 0;
  /** A re-check is scheduled for tiny tasks held back for a busy worker. */
  #recheck: NodeJS.Timeout | null = null;
  /** Batches measured so far: until there are a few, assume tasks are slow (no batching). */
  #samples = 0;
  #closing = false;
  /** Start-up is over: from now on a worker that cannot load is retried, not fatal. */
  #started = false;
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  readonly #leases: ReplyLeases;
  /** Tasks in flight holding a reply lease. */
  readonly #leased = new Set<QueuedTask>();
  #readyWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.workers = options.workers;
    this.maxInFlight = options.maxInFlight;
    this.#maxBatch = options.maxBatch ?? 16;
    this.#batchUnderMs = options.batchUnderMs ?? 2;
    this.#leases = new ReplyLeases(Math.min(options.maxInFlight, MAX_LEASES));
    const events: SlotEvents = {
      ready: (slot, info) => {
        options.log('info', 'worker ready', { worker: slot.id, load_ms: info.loadMs, warmup_ms: info.warmupMs });
        this.#checkReady();
        this.#dispatch();
      },
      loadFailed: (slot, message) => {
        options.log('error', 'worker failed to load', { worker: slot.id, error: message });
        options.metrics?.workerLoadFailed();
        this.#readyWaiter?.reject(new StartupError('LOAD_FAILED', `worker ${slot.id} could not load the model: ${message}`));
        this.#readyWaiter = null;
      },
      results: (slot, results, busyMs) => {
        // What a task costs inside a worker, without the hand-off: decides batching.
        const perTask = busyMs / results.length;
        this.#taskMs = this.#samples === 0 ? perTask : this.#taskMs * 0.9 + perTask * 0.1;
        this.#samples++;
        for (const { seq, result, rest } of results) {
          if (result.times) options.metrics?.stages(result.times);
          const task = slot.assigned.get(seq);
          if (!task) continue;
          slot.assigned.delete(seq);
          this.#finish(task, result, rest);
        }
        this.#dispatch();
      },
      died: (slot, reason, running, others, wasReady) => this.#onDied(slot, reason, running, others, wasReady),
    };
    const setup = { leases: this.#leases.words.buffer as SharedArrayBuffer, workerFile: WORKER_FILE, modelDir: options.modelDir, config: options.config, weights: Promise.resolve(options.weights), allowedRoots: options.allowedRoots, workers: options.workers };
    this.#slots = Array.from({ length: options.workers }, (_, i) => new WorkerSlot(i, setup, events));
    for (const slot of this.#slots) slot.start();
    // Replacement workers must be able to load the engine's addon again. Once
    // the weights are sent (each slot's own callback runs first): the main
    // thread is otherwise idle while the workers load, and is not earlier.
    if (options.config.engine === 'onnx') setup.weights.then(() => pinOnnxRuntime(options.modelDir), () => undefined);
  }

  /** Resolves when every worker has loaded and warmed up; rejects on the first load failure. */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new StartupError('LOAD_TIMEOUT', `workers not ready after ${timeoutMs} ms (RUTH_LOAD_TIMEOUT_MS)`)), timeoutMs);
      this.#readyWaiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.#checkReady();
    });
  }

  #checkReady(): void {
    if (this.#readyWaiter && this.#slots.every((s) => s.ready)) {
      this.#started = true;
      this.#readyWaiter.resolve();
      this.#readyWaiter = null;
    }
  }

  /**
   * Runs one validated request. Never rejects: every failure is a TaskResult
   * with a code. With `reply`, its worker may write the answer to the caller
   * itself; `reply.target.written` then says what is left to write.
   */
  run(request: InferenceRequest, reply?: { target: ReplyTarget; echo: Echo }): Promise<TaskResult> | TaskResult {
    if (this.#closing) return { ok: false, code: 'SHUTTING_DOWN', message: 'the worker pool is closing' };
    if (this.#inFlight >= this.maxInFlight) {
      return { ok: false, code: 'OVERLOADED', message: `${this.#inFlight} requests in flight, the limit is ${this.maxInFlight} (RUTH_MAX_IN_FLIGHT)` };
    }
    this.#inFlight++;
    this.#seq = this.#seq >= 0x7ffffffe ? 1 : this.#seq + 1;
    return new Promise<TaskResult>((resolve) => {
      const task: QueuedTask = { seq: this.#seq, request, resolve, done: false, slot: -1, timer: undefined as unknown as NodeJS.Timeout, admittedAt: performance.now() };
      const lease = reply ? this.#leases.take(reply.target.fd) : null;
      if (lease) {
        task.reply = { target: reply!.target, echo: reply!.echo, lease };
        this.#leased.add(task);
        reply!.target.revoke = () => void this.#leases.settle(lease);
      }
      task.timer = setTimeout(() => this.#onDeadline(task), this.#options.timeoutMs);
      this.#queue.push(task);
      // Wait for the rest of this event-loop turn: requests read together go together.
      if (!this.#dispatchScheduled) {
        this.#dispatchScheduled = true;
        setImmediate(() => {
          this.#dispatchScheduled = false;
          this.#dispatch();
        });
      }
    });
  }

  #dispatch(): void {
    const now = performance.now();
    if (this.#queue.length > 0) this.#handOut(now);
    if (this.#queue.length === 0) this.#rebalance(now);
  }

  /** Hands queued tasks to idle workers. */
  #handOut(now: number): void {
    const idle = this.#slots.filter((s) => s.ready && s.assigned.size === 0);
    // Batching pays for small tasks only: a slow task (a real model) would
    // hold the ones batched behind it while another worker goes idle.
    const measured = this.#samples >= 8;
    const cap = !measured || this.#taskMs > this.#batchUnderMs ? 1 : this.#maxBatch;
    // Tiny tasks (well under a thread wake-up's cost) are packed onto as few
    // workers as possible: waking a second thread would cost more than it
    // saves. While one worker is busy with a batch, new tiny tasks wait for
    // it, unless they are more than a batch or that worker is taking long
    // (HOLD_MS: then it may be stuck on a slow request, so wake another).
    const pack = measured && this.#taskMs < 0.1;
    if (pack && this.#queue.length <= this.#maxBatch && this.#slots.some((s) => s.ready && s.assigned.size > 0 && now - s.sentAt < HOLD_MS)) {
      this.#scheduleRecheck();
      return;
    }
    let left = idle.length;
    for (const slot of idle) {
      if (this.#queue.length === 0) break;
      const n = Math.min(cap, pack ? this.#queue.length : Math.ceil(this.#queue.length / left));
      left--;
      this.#handOff(slot, this.#queue.splice(0, n), now);
    }
  }

  /**
   * Nothing is queued: while a worker is idle, take back the unstarted tasks
   * of any worker that has been on one task for HOLD_MS (it may be a slow
   * one) and hand them out again. Checked again after HOLD_MS while some wait.
   */
  #rebalance(now: number): void {
    if (!this.#slots.some((s) => s.ready && s.assigned.size === 0)) return;
    let waiting = false;
    for (const slot of this.#slots) {
      if (slot.unstarted() === 0) continue;
      // Only from a thread on one task that long: one that has not woken up
      // yet would get its batch back at once (its slot would be the idle one).
      if (slot.runningMs() < HOLD_MS) waiting = true;
      else this.#requeue(slot.takeBack());
    }
    if (this.#queue.length > 0) this.#handOut(now);
    else if (waiting) this.#scheduleRecheck();
  }

  #scheduleRecheck(): void {
    this.#recheck ??= setTimeout(() => {
      this.#recheck = null;
      this.#dispatch();
    }, HOLD_MS);
  }

  /** Puts tasks taken back from a worker (never started) at the head of the queue, in order. */
  #requeue(tasks: QueuedTask[]): void {
    for (const t of tasks) t.slot = -1;
    this.#queue.unshift(...tasks);
  }

  /**
   * Sends a batch to a worker. A request that cannot be handed over (structured
   * clone throws, e.g. on very deep nesting) is answered HANDOFF_FAILED; its
   * batch-mates are sent without it.
   */
  #handOff(slot: WorkerSlot, batch: QueuedTask[], now: number): void {
    try {
      slot.send(batch);
    } catch (err) {
      // Only on this rare path: copy each request alone to find the ones that cannot go.
      const sendable = batch.filter((t) => {
        try {
          structuredClone({ type: 'run', base: 0, tasks: [{ seq: t.seq, request: t.request }] });
          return true;
        } catch (cloneErr) {
          const message = cloneErr instanceof Error ? cloneErr.message : String(cloneErr);
          this.#finish(t, { ok: false, code: 'HANDOFF_FAILED', message: `the request could not be handed to a worker: ${message}` });
          return false;
        }
      });
      if (sendable.length === batch.length) {
        const message = err instanceof Error ? err.message : String(err);
        for (const t of batch) this.#finish(t, { ok: false, code: 'HANDOFF_FAILED', message: `the request could not be handed to a worker: ${message}` });
      } else if (sendable.length > 0) this.#handOff(slot, sendable, now);
      return;
    }
    for (const t of batch) {
      t.slot = slot.id;
      // The first hand-off only: a task re-queued after a crash is not counted twice.
      if (t.admittedAt >= 0) this.#options.metrics?.queued(now - t.admittedAt);
      t.admittedAt = -1;
    }
  }

  /** Answers a task once; `rest`: what its worker's own write left (with its result). */
  #finish(task: QueuedTask, result: TaskResult, rest?: Uint8Array): void {
    if (task.done) return;
    task.done = true;
    clearTimeout(task.timer);
    this.#inFlight--;
    if (task.reply) {
      const { target, lease } = task.reply;
      this.#leased.delete(task);
      target.revoke = null;
      const wrote = this.#leases.release(lease);
      if (wrote) target.written = { rest: wrote.bytes >= wrote.total ? new Uint8Array(0) : (rest ?? null) };
    }
    task.resolve(result);
  }

  /**
   * Takes in every answer a worker has written itself but the event loop has
   * not reported yet: health and metrics read after this never lag behind
   * what a caller has already received. Taking a report in resolves its
   * task, whose callers count it in a promise reaction; the promise returned
   * resolves after those reactions, so read the counters there.
   */
  settleReports(): Promise<void> {
    const until = performance.now() + REPORT_WAIT_MS;
    for (;;) {
      for (const slot of this.#slots) slot.drain();
      const waiting = [...this.#leased].some((t) => this.#leases.answered(t.reply!.lease));
      // Workers report right after writing: this waits microseconds, unless a thread lost its core.
      if (!waiting || performance.now() > until) return Promise.resolve();
      Atomics.wait(PAUSE, 0, 0, 0.05);
    }
  }

  /** Ends the worker's right to write this task's answer; what it wrote, if anything. */
  #settle(task: QueuedTask): WriteOutcome | null {
    return task.reply ? this.#leases.settle(task.reply.lease) : null;
  }

  /**
   * Its deadline passed. Not started (queued, or in a batch behind another
   * task): answered QUEUE_TIMEOUT without touching any worker. Started: from
   * now on only its own running time counts.
   */
  #onDeadline(task: QueuedTask): void {
    if (task.done) return;
    if (task.slot !== -1) {
      const slot = this.#slots[task.slot]!;
      const back = slot.started(task) ? [] : slot.takeBack();
      // Its unstarted batch-mates go back to the queue, for an idle worker.
      this.#requeue(back.filter((t) => t !== task));
      if (back.length > 0) this.#dispatch();
      // Started (perhaps a moment ago): from now on only its own running time counts.
      if (!back.includes(task)) return this.#onRunDeadline(task);
    } else this.#queue.splice(this.#queue.indexOf(task), 1);
    this.#finish(task, { ok: false, code: 'QUEUE_TIMEOUT', message: `waited request_timeout_ms ${this.#options.timeoutMs} for a worker and was not run (overloaded)` });
  }

  /** A started request's budget is spent: end its worker only if it ran that long itself. */
  #onRunDeadline(task: QueuedTask): void {
    if (task.done) return;
    const budget = this.#options.timeoutMs;
    const slot = this.#slots[task.slot]!;
    if (slot.runningSeq() !== task.seq) {
      // Done, with its answer on the way, or about to start: look again after its own budget.
      task.timer = setTimeout(() => this.#onRunDeadline(task), budget);
      return;
    }
    const ran = slot.runningMs();
    if (ran < budget) {
      task.timer = setTimeout(() => this.#onRunDeadline(task), Math.ceil(budget - ran));
      return;
    }
    if (this.#settle(task)) {
      // It finished and wrote its answer a moment ago: its result is on the way.
      task.timer = setTimeout(() => this.#onRunDeadline(task), budget);
      return;
    }
    // Stuck on this very request: end the thread (after its current task when
    // that ends within the grace). What it has not started goes to other workers.
    slot.assigned.delete(task.seq);
    this.#requeue(slot.takeBack());
    this.#options.log('warn', 'request ran past its deadline; restarting its worker', { worker: slot.id, timeout_ms: budget });
    slot.kill(Math.max(budget, MIN_RETIRE_GRACE_MS));
    this.#finish(task, { ok: false, code: 'TIMEOUT', message: `inference took longer than request_timeout_ms ${budget}` });
    this.#dispatch();
  }

  #onDied(slot: WorkerSlot, reason: string, running: QueuedTask | undefined, others: QueuedTask[], wasReady: boolean): void {
    this.#options.log('error', 'worker died', { worker: slot.id, reason, in_flight_on_worker: others.length + (running ? 1 : 0) });
    // Answered by the thread before it died (its results not yet posted): never run again.
    const answered = [running, ...others].filter((t): t is QueuedTask => t !== undefined && !t.done && this.#settle(t) !== null);
    for (const t of answered) this.#finish(t, WRITTEN_UNREPORTED);
    if (running) this.#finish(running, { ok: false, code: 'WORKER_CRASHED', message: `the worker running this request died (${reason}); it has been replaced` });
    // Through no fault of their own: a new deadline from now.
    const requeue = others.filter((t) => !t.done);
    for (const t of requeue) {
      clearTimeout(t.timer);
      t.timer = setTimeout(() => this.#onDeadline(t), this.#options.timeoutMs);
    }
    this.#requeue(requeue);
    if (this.#closing) return;
    if (!wasReady) {
      this.#options.metrics?.workerLoadFailed();
      if (!this.#started) {
        // At start-up a model that cannot load is fatal: fail start-up clearly.
        this.#readyWaiter?.reject(new StartupError('LOAD_FAILED', `worker ${slot.id} died while loading the model: ${reason}`));
        this.#readyWaiter = null;
        return;
      }
      // A replacement that cannot load: retry with backoff; the cause may go away.
      slot.failures++;
      const delay = Math.min(RESTART_BACKOFF_MS.first * 2 ** (slot.failures - 1), RESTART_BACKOFF_MS.max);
      this.#options.log('warn', 'replacement worker failed to load; retrying', { worker: slot.id, retry_in_ms: delay, failures: slot.failures, error: slot.lastError });
      const timer = setTimeout(() => {
        this.#restartTimers.delete(timer);
        if (!this.#closing) slot.start();
      }, delay);
      this.#restartTimers.add(timer);
      return;
    }
    this.#options.metrics?.workerRestarted();
    slot.start();
  }

  /** A health problem while any worker is not live (after start-up), else null. */
  problem(): Problem | null {
    if (!this.#started || this.#closing) return null;
    const down = this.#slots.filter((s) => !s.ready);
    if (down.length === 0) return null;
    const why = down.map((s) => `worker ${s.id}: ${s.lastError ?? 'restarting'}`).join('; ');
    const live = this.workers - down.length;
    return { status: live === 0 ? 'not_ready' : 'degraded', reason: `${live} of ${this.workers} workers live (${why})` };
  }

  /** Admitted requests not yet answered (queued or running). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Admitted requests waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Disposes the model in every worker and ends the threads. Queued work is answered SHUTTING_DOWN. */
  async close(): Promise<void> {
    this.#closing = true;
    // Closed while loading (a weight failed its check, the socket was taken): no one waits for ready any more.
    this.#readyWaiter?.reject(new StartupError('STOPPED_WHILE_LOADING', 'the worker pool closed while loading'));
    this.#readyWaiter = null;
    if (this.#recheck) clearTimeout(this.#recheck);
    for (const timer of this.#restartTimers) clearTimeout(timer);
    for (const t of this.#queue.splice(0)) this.#finish(t, { ok: false, code: 'SHUTTING_DOWN', message: 'the worker pool closed before this request ran' });
    await Promise.all(this.#slots.map((s) => s.stop()));
  }
}
