/**
 * What health reports beyond the lifecycle phase. A server past start-up can
 * still be unwell: its heartbeat file cannot be written, or workers are down.
 * Each part of the server that can be unwell is a ProblemSource; health, the
 * heartbeat and `ruth-model health` all report the worst problem, with its
 * reason, so none of them says `ready` while something is wrong.
 */
import type { ServiceStatus } from './stats.js';

/** `degraded`: still serving, with less than it should; `not_ready`: cannot serve now. */
export interface Problem {
  status: 'degraded' | 'not_ready';
  reason: string;
}

export type ProblemSource = () => Problem | null;

export interface Condition {
  status: ServiceStatus;
  /** Why the status is not `ready` (null when it is, or while loading/draining normally). */
  error: string | null;
}

export function conditionOf(phase: ServiceStatus, sources: readonly ProblemSource[]): Condition {
  if (phase !== 'ready') return { status: phase, error: null };
  const problems = sources.map((s) => s()).filter((p): p is Problem => p !== null);
  if (problems.length === 0) return { status: 'ready', error: null };
  const worst = problems.some((p) => p.status === 'not_ready') ? 'not_ready' : 'degraded';
  return { status: worst, error: problems.map((p) => p.reason).join('; ') };
}
