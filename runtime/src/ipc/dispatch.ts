/**
 * The request router, on the socket side: each connection hands it one
 * decoded message body. Control ops (health, describe, metrics) are
 * answered on the main thread; inference requests are parsed and validated here, then run by
 * the InferenceRunner (the worker pool, set once it is ready). Every path ends
 * in response text: never a silent close. The lifecycle (lifecycle/) only
 * creates the router and moves its status.
 */
import type { ModelConfig } from '../config/model-config.js';
import type { ErrorCode } from '../errors/codes.js';
import { isRuntimeError, type RuntimeError } from '../errors/errors.js';
import { conditionOf, type Condition, type ProblemSource } from '../health/condition.js';
import type { MessageHandler } from './connection.js';
import { parseBody } from './message-codec.js';
import { echoOf, errorResponse, successResponse, type Echo } from './response.js';
import { validateRequest } from './validate-request.js';
import type { ServiceStatus, Stats } from '../health/stats.js';
import type { Metrics } from '../metrics/metrics.js';
import type { TaskResult } from '../pool/task.js';
import type { ReplyTarget } from '../pool/reply-lease.js';
import { runtimeVersion } from '../config/runtime-version.js';

export interface InferenceRunner {
  readonly workers: number;
  readonly maxInFlight: number;
  /** `reply`: the runner may have the answer written to the caller directly (pool/reply-lease.ts). */
  run(request: import('../api/wire.js').InferenceRequest, reply?: { target: ReplyTarget; echo: Echo }): Promise<TaskResult> | TaskResult;
  /** Counts answers workers wrote themselves but have not reported yet (before health and metrics are read). */
  settleReports?(): Promise<void>;
}

export class RequestRouter implements MessageHandler {
  /** The lifecycle phase; health reports condition(), which adds any problem. */
  status: ServiceStatus = 'loading';
  runner: InferenceRunner | null = null;
  /** Parts of the server that can be unwell (heartbeat, workers): health reports their problems. */
  readonly problemSources: ProblemSource[] = [];
  readonly #config: ModelConfig;
  readonly #stats: Stats;
  readonly #modelId: string;
  readonly #metrics: Metrics;

  constructor(config: ModelConfig, stats: Stats, metrics: Metrics) {
    this.#config = config;
    this.#stats = stats;
    this.#metrics = metrics;
    this.#modelId = config.model_id;
  }

  onDecodeError(error: RuntimeError): string {
    this.#stats.record(0, true);
    this.#metrics.request(error.code, 0, null);
    return errorResponse(echoOf(null, this.#modelId), error.code, error.message);
  }

  onMessage(body: Buffer, target?: ReplyTarget): string | Promise<string> {
    const started = performance.now();
    let parsed: Record<string, unknown> | null = null;
    try {
      parsed = parseBody(body);
      if (parsed.op !== undefined) return this.#control(parsed);
      const request = validateRequest(parsed, this.#modelId);
      if (this.status !== 'ready' || this.runner === null) {
        const code: ErrorCode = this.status === 'loading' ? 'NOT_READY' : 'SHUTTING_DOWN';
        const why = this.status === 'loading' ? 'the model is still loading' : 'the server is shutting down and accepts no new work';
        return this.#fail(echoOf(parsed, this.#modelId), code, why, started);
      }
      const echo = echoOf(parsed, this.#modelId);
      this.#stats.inFlight++;
      const result = this.runner.run(request, target ? { target, echo } : undefined);
      if (!(result instanceof Promise)) return this.#finish(echo, result, started);
      return result.then((r) => this.#finish(echo, r, started, target));
    } catch (err) {
      const echo = echoOf(parsed, this.#modelId);
      if (isRuntimeError(err)) return this.#fail(echo, err.code, err.message, started);
      return this.#fail(echo, 'INTERNAL_ERROR', err instanceof Error ? err.message : String(err), started);
    }
  }

  #finish(echo: Echo, result: TaskResult, started: number, target?: ReplyTarget): string {
    this.#stats.inFlight--;
    if (!result.ok) return this.#fail(echo, result.code, result.message, started);
    const ms = performance.now() - started;
    this.#stats.record(ms, false);
    this.#metrics.request(null, ms, echo.camera_id);
    // Its worker wrote the answer (the connection sends only what it left): no text to build.
    return target?.written ? '' : successResponse(echo, result.detections, result.metadata);
  }

  #fail(echo: Echo, code: ErrorCode, message: string, started: number): string {
    const ms = performance.now() - started;
    this.#stats.record(ms, true);
    this.#metrics.request(code, ms, echo.camera_id === '' ? null : echo.camera_id);
    return errorResponse(echo, code, message);
  }

  #control(body: Record<string, unknown>): string | Promise<string> {
    const op = body.op;
    if (op === 'health') return this.#settled().then(() => JSON.stringify(this.health()));
    if (op === 'describe') return JSON.stringify(this.describe());
    if (op === 'metrics') {
      return this.metrics().then(
        (m) => JSON.stringify(m),
        (err: unknown) => errorResponse(echoOf(body, this.#modelId), 'INTERNAL_ERROR', `metrics: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    const shown = typeof op === 'string' ? JSON.stringify(op) : String(op === null ? 'null' : typeof op);
    return errorResponse(echoOf(body, this.#modelId), 'UNKNOWN_OP', `op ${shown} is not known; use "health", "describe" or "metrics", or omit op for inference`);
  }

  /** The Prometheus exposition, wrapped in the socket's JSON (docs/protocol.md). */
  async metrics(): Promise<Record<string, unknown>> {
    await this.#settled();
    return { op: 'metrics', model_id: this.#modelId, content_type: this.#metrics.contentType, metrics: await this.#metrics.text(), error: null };
  }

  /** The status every health report gives: the phase, or a problem with its reason. */
  condition(): Condition {
    return conditionOf(this.status, this.problemSources);
  }

  /** Resolves once #finish has counted every answer a worker already wrote to its caller (settleReports). */
  #settled(): Promise<void> {
    return this.runner?.settleReports?.() ?? Promise.resolve();
  }

  health(): Record<string, unknown> {
    const { status, error } = this.condition();
    return {
      op: 'health',
      model_id: this.#modelId,
      status,
      ...this.#stats.snapshot(),
      workers: this.runner?.workers ?? 0,
      max_in_flight: this.runner?.maxInFlight ?? 0,
      runtime_version: runtimeVersion(),
      error,
    };
  }

  describe(): Record<string, unknown> {
    const c = this.#config;
    return {
      op: 'describe',
      model_id: c.model_id,
      model_name: c.model_name,
      model_version: c.model_version,
      description: c.description ?? null,
      engine: c.engine,
      input_format: c.input_format,
      expected_resolution: c.expected_resolution,
      input: c.input,
      classes: c.classes,
      supported_tasks: c.supported_tasks,
      confidence_threshold: c.confidence_threshold,
      nms_iou_threshold: c.nms_iou_threshold,
      output_schema: c.output_schema,
      parameters: c.parameters,
      runtime_version: runtimeVersion(),
      runtime_range: c.runtime,
      ...this.condition(),
    };
  }
}
