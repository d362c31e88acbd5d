import type { InferenceRequest } from '../api/wire.js';
import type { TaskResult } from './task.js';

/** One admitted request, from admission until it is answered exactly once. */
export interface QueuedTask {
  seq: number;
  request: InferenceRequest;
  resolve: (result: TaskResult) => void;
  timer: NodeJS.Timeout;
  done: boolean;
  /** Slot it was sent to, or -1 while queued on the main thread. */
  slot: number;
  /** performance.now() at admission, for the queue-time metric; -1 once handed to a worker. */
  admittedAt: number;
}
