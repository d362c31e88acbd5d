import type { InferenceRequest } from '../api/wire.js';
import type { Echo } from '../ipc/response.js';
import type { DirectReply, ReplyTarget } from './reply-lease.js';
import type { TaskResult } from './task.js';

/** A request whose worker may write its answer to the caller itself (reply-lease.ts). */
export interface TaskReply {
  target: ReplyTarget;
  echo: Echo;
  lease: DirectReply;
}

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
  reply?: TaskReply;
}
