/**
 * One pool slot: a worker thread holding one loaded copy of the model, and
 * the tasks it has been given. When its thread dies, the slot reports which
 * task was running (from shared memory) and which were not, and starts a
 * replacement thread.
 */
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../config/model-config.js';
import type { FromWorker, TaskResult, ToWorker, WorkerSetup } from './task.js';
import type { QueuedTask } from './queued-task.js';

export interface SlotEvents {
  ready(slot: WorkerSlot, info: { loadMs: number; warmupMs: number }): void;
  loadFailed(slot: WorkerSlot, message: string): void;
  results(slot: WorkerSlot, results: { seq: number; result: TaskResult }[], busyMs: number): void;
  /** The thread died: `running` was executing, `others` had not been answered. */
  died(slot: WorkerSlot, reason: string, running: QueuedTask | undefined, others: QueuedTask[], wasReady: boolean): void;
}

export interface SlotSetup {
  workerFile: string;
  modelDir: string;
  config: ModelConfig;
  weights: string[];
  allowedRoots: string[];
  /** The pool's slot count, told to each handler's load(). */
  workers: number;
}

export class WorkerSlot {
  readonly id: number;
  ready = false;
  /** Tasks sent to this thread and not yet answered, by seq. */
  readonly assigned = new Map<number, QueuedTask>();
  #worker: Worker | null = null;
  #current = new Int32Array(new SharedArrayBuffer(16), 0, 1);
  #startedAt = new Float64Array(this.#current.buffer, 8, 1);
  /** Why the last thread of this slot failed to load or died, until one is ready again (for health). */
  lastError: string | null = null;
  /** Load failures in a row since the last ready thread: sets the restart backoff. */
  failures = 0;
  #stopping = false;
  readonly #setup: SlotSetup;
  readonly #events: SlotEvents;

  constructor(id: number, setup: SlotSetup, events: SlotEvents) {
    this.id = id;
    this.#setup = setup;
    this.#events = events;
  }

  start(): void {
    this.ready = false;
    this.#current = new Int32Array(new SharedArrayBuffer(16), 0, 1);
    this.#startedAt = new Float64Array(this.#current.buffer, 8, 1);
    const data: WorkerSetup = {
      modelDir: this.#setup.modelDir,
      config: this.#setup.config,
      weights: this.#setup.weights,
      allowedRoots: this.#setup.allowedRoots,
      workerId: this.id,
      workers: this.#setup.workers,
      current: this.#current.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(this.#setup.workerFile, { workerData: data });
    this.#worker = worker;
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'results') this.#events.results(this, msg.results, msg.busyMs);
      else if (msg.type === 'ready') {
        this.ready = true;
        this.lastError = null;
        this.failures = 0;
        this.#events.ready(this, msg);
      } else {
        this.lastError = `could not load the model: ${msg.message}`;
        this.#events.loadFailed(this, msg.message);
      }
    });
    let reason = 'worker exited';
    this.#exitReason = null;
    worker.on('error', (err) => (reason = `uncaught in worker: ${err.message}`));
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      const wasReady = this.ready;
      this.ready = false;
      if (this.#stopping) return;
      const seq = Atomics.load(this.#current, 0);
      const running = seq === 0 ? undefined : this.assigned.get(seq);
      if (running) this.assigned.delete(seq);
      const others = [...this.assigned.values()];
      this.assigned.clear();
      // Exit code 0 is a death too: a thread that ends while the slot holds it is gone.
      this.lastError ??= `died: ${this.#exitReason ?? reason} (exit code ${code})`;
      this.#events.died(this, `${this.#exitReason ?? reason} (exit code ${code})`, running, others, wasReady);
    });
  }

  /** When the last batch was sent (performance.now()). */
  sentAt = 0;

  /** Hands tasks to the thread. Throws (assigning nothing) when they cannot be copied to it. */
  send(tasks: QueuedTask[]): void {
    this.sentAt = performance.now();
    const msg: ToWorker = { type: 'run', tasks: tasks.map((t) => ({ seq: t.seq, request: t.request })) };
    this.#worker!.postMessage(msg);
    for (const t of tasks) this.assigned.set(t.seq, t);
  }

  /** How long the running task has run (ms), or 0 when none runs. */
  runningMs(): number {
    return Atomics.load(this.#current, 0) === 0 ? 0 : performance.timeOrigin + performance.now() - this.#startedAt[0]!;
  }

  /** The seq of the task the thread is running now (0 = none). */
  runningSeq(): number {
    return Atomics.load(this.#current, 0);
  }

  /**
   * Ends a thread stuck past a deadline; `died` fires and a replacement
   * starts. It is first asked to exit after its current task, because a
   * native engine call cannot be cut short: terminating a thread inside an
   * onnxruntime-node run aborts the whole process. Only a thread still busy
   * after `graceMs` (a handler looping in JavaScript) is terminated.
   */
  kill(graceMs: number): void {
    const worker = this.#worker;
    if (!worker) return;
    this.ready = false;
    this.#exitReason = `ended after a request deadline passed`;
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    worker.once('exit', () => clearTimeout(timer));
  }

  #exitReason: string | null = null;

  /** Asks the thread to dispose the model and exit; terminates it after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
