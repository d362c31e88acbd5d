/**
 * One pool slot: a worker thread holding one loaded copy of the model, and
 * the tasks it has been given. When its thread dies, the slot reports which
 * task was running (from shared memory) and which were not, and starts a
 * replacement thread.
 *
 * The tasks of a batch are started one by one: the thread claims each with a
 * compare-and-swap on a shared word, so the main thread can take back the
 * ones not started yet (takeBack) when they would otherwise wait behind a
 * slow one: for an idle worker, or at their deadline. A task is either
 * claimed by the thread or taken back, never both.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ModelConfig } from '../config/model-config.js';
import type { FromWorker, ResultsMessage, ToWorker, WorkerResult, WorkerSetup, WorkerTask } from './task.js';
import type { QueuedTask } from './queued-task.js';

export interface SlotEvents {
  ready(slot: WorkerSlot, info: { loadMs: number; warmupMs: number }): void;
  loadFailed(slot: WorkerSlot, message: string): void;
  results(slot: WorkerSlot, results: WorkerResult[], busyMs: number): void;
  /** The thread died: `running` was executing, `others` had not been answered. */
  died(slot: WorkerSlot, reason: string, running: QueuedTask | undefined, others: QueuedTask[], wasReady: boolean): void;
}

export interface SlotSetup {
  workerFile: string;
  modelDir: string;
  config: ModelConfig;
  /** The weight paths once every sha256 is checked; each thread is sent them then. */
  weights: Promise<string[]>;
  allowedRoots: string[];
  /** The pool's slot count, told to each handler's load(). */
  workers: number;
  /** The pool's reply leases (reply-lease.ts). */
  leases: SharedArrayBuffer;
}

/** The claim word once the main thread has taken back the rest of the batch. */
const TAKEN_BACK = -1;
/** Shared words (Int32 indexes): the running task's seq, and the claim word. */
const SEQ = 0;
const CLAIM = 1;

function control(): { words: Int32Array; startedAt: Float64Array } {
  // Layout in task.ts (WorkerSetup.current).
  const buffer = new SharedArrayBuffer(16);
  return { words: new Int32Array(buffer, 0, 2), startedAt: new Float64Array(buffer, 8, 1) };
}

/** What the thread gets of a task: with its reply lease when it may answer the caller itself. */
function toWorker(t: QueuedTask): WorkerTask {
  if (!t.reply) return { seq: t.seq, request: t.request };
  const { lease, echo } = t.reply;
  return { seq: t.seq, request: t.request, reply: { fd: lease.fd, lease: lease.lease, expect: lease.expect, echo } };
}

export class WorkerSlot {
  readonly id: number;
  ready = false;
  /** Tasks sent to this thread and not yet answered, by seq. */
  readonly assigned = new Map<number, QueuedTask>();
  #worker: Worker | null = null;
  /** The thread's results port (main side); drain() reads it synchronously. */
  #results: MessagePort | null = null;
  #control = control();
  /** The batch last sent, in order, and the claim word's value for its first task. */
  #batch: QueuedTask[] = [];
  #base = 0;
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
    this.#control = control();
    this.#batch = [];
    const { port1, port2 } = new MessageChannel();
    const data: WorkerSetup = {
      modelDir: this.#setup.modelDir,
      config: this.#setup.config,
      allowedRoots: this.#setup.allowedRoots,
      workerId: this.id,
      workers: this.#setup.workers,
      current: this.#control.words.buffer as SharedArrayBuffer,
      leases: this.#setup.leases,
      results: port2,
    };
    const worker = new Worker(this.#setup.workerFile, { workerData: data, transferList: [port2] });
    this.#worker = worker;
    this.#results = port1;
    port1.on('message', (msg: ResultsMessage) => this.#events.results(this, msg.results, msg.busyMs));
    // A rejection (a weight failed its check) fails the start in start-server.ts, which closes the pool.
    this.#setup.weights.then(
      (paths) => this.#worker === worker && worker.postMessage({ type: 'weights', paths } satisfies ToWorker),
      () => undefined,
    );
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
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
      if (this.#worker !== worker) return port1.close();
      const wasReady = this.ready;
      this.ready = false;
      // Results it posted before it died count first: those requests were answered.
      this.drain();
      port1.close();
      this.#results = null;
      this.#worker = null;
      if (this.#stopping) return;
      const seq = Atomics.load(this.#control.words, SEQ);
      const running = seq === 0 ? undefined : this.assigned.get(seq);
      if (running) this.assigned.delete(seq);
      const others = [...this.assigned.values()];
      this.assigned.clear();
      // Exit code 0 is a death too: a thread that ends while the slot holds it is gone.
      this.lastError ??= `died: ${this.#exitReason ?? reason} (exit code ${code})`;
      this.#events.died(this, `${this.#exitReason ?? reason} (exit code ${code})`, running, others, wasReady);
    });
  }

  /** Handles every result the thread has posted and the event loop has not delivered yet. */
  drain(): void {
    const port = this.#results;
    if (!port) return;
    for (let got = receiveMessageOnPort(port); got; got = receiveMessageOnPort(port)) {
      const msg = got.message as ResultsMessage;
      this.#events.results(this, msg.results, msg.busyMs);
    }
  }

  /** When the last batch was sent (performance.now()). */
  sentAt = 0;

  /**
   * Hands a batch to the thread. Throws (assigning nothing) when it cannot be
   * copied to it. Only an idle slot (nothing assigned) is given a batch.
   */
  send(tasks: QueuedTask[]): void {
    // Claim values of consecutive batches never overlap, so a thread still
    // finishing an old batch can never claim a task of the new one.
    const base = this.#base + this.#batch.length + 1 > 0x3fffffff ? 0 : this.#base + this.#batch.length + 1;
    Atomics.store(this.#control.words, CLAIM, base);
    const msg: ToWorker = { type: 'run', base, tasks: tasks.map(toWorker) };
    this.#worker!.postMessage(msg);
    this.sentAt = performance.now();
    this.#base = base;
    this.#batch = tasks;
    for (const t of tasks) this.assigned.set(t.seq, t);
  }

  /** Tasks of the last batch the thread has not started. */
  unstarted(): number {
    const claim = Atomics.load(this.#control.words, CLAIM);
    return claim === TAKEN_BACK ? 0 : Math.max(0, this.#batch.length - (claim - this.#base));
  }

  /** Whether the thread has started (claimed) this assigned task. */
  started(task: QueuedTask): boolean {
    const index = this.#batch.indexOf(task);
    return index < 0 || index < this.#batch.length - this.unstarted();
  }

  /** Takes back the batch's tasks the thread has not started: they are no longer assigned to it. */
  takeBack(): QueuedTask[] {
    for (;;) {
      const claim = Atomics.load(this.#control.words, CLAIM);
      if (claim === TAKEN_BACK || claim - this.#base >= this.#batch.length) return [];
      if (Atomics.compareExchange(this.#control.words, CLAIM, claim, TAKEN_BACK) !== claim) continue;
      const back = this.#batch.splice(claim - this.#base);
      for (const t of back) this.assigned.delete(t.seq);
      return back;
    }
  }

  /** How long the running task has run (ms), or 0 when none runs. */
  runningMs(): number {
    return Atomics.load(this.#control.words, SEQ) === 0 ? 0 : performance.timeOrigin + performance.now() - this.#control.startedAt[0]!;
  }

  /** The seq of the task the thread is running now (0 = none). */
  runningSeq(): number {
    return Atomics.load(this.#control.words, SEQ);
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
