/**
 * `ruth-model serve`, steps in order:
 *   1. discover and validate the model (select-model.ts);
 *   2. start the worker threads and check each weight's sha256, together:
 *      the threads boot and import the handler meanwhile, and load the model
 *      only once every weight has passed (pool/worker.ts);
 *   3. bind the socket early: `health` answers `loading`, inference NOT_READY;
 *   4. wait until every worker has loaded and warmed up; a weight that fails
 *      its check, or a load that fails, fails the start;
 *   5. mark ready and log the one ready line;
 *   6. on stop: drain (see stop()).
 */
import os from 'node:os';
import { verifyWeights } from '../config/verify-weights.js';
import { StartupError } from '../errors/errors.js';
import { Heartbeat } from '../health/heartbeat.js';
import { Stats } from '../health/stats.js';
import { ByteBudget, MAX_PENDING_PER_CONNECTION, MAX_UNREAD_BYTES_PER_CONNECTION } from '../ipc/connection-limits.js';
import { IpcServer } from '../ipc/server.js';
import { socketPathFor } from '../ipc/socket-file.js';
import { startMetricsEndpoint } from '../metrics/http-endpoint.js';
import { Metrics } from '../metrics/metrics.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { Logger } from '../log/logger.js';
import type { ServeOptions } from '../config/serve-options.js';
import type { ModelConfig } from '../config/model-config.js';
import { selectModel } from './select-model.js';
import { RequestRouter } from '../ipc/dispatch.js';
import { runtimeVersion } from '../config/runtime-version.js';

export interface RunningServer {
  modelId: string;
  socketPath: string;
  router: RequestRouter;
  heartbeatFile: string;
  /** Stops accepting, drains in-flight work within the deadline, removes the socket. */
  stop(): Promise<{ drained: boolean }>;
}

/** `signal` aborts start-up (SIGTERM while loading): the server drains and startServer rejects. */
export async function startServer(options: ServeOptions, log: Logger, signal?: AbortSignal): Promise<RunningServer> {
  const startedAt = performance.now();
  const { dir, config } = selectModel(options.modelsDir, options.modelId, log);
  const weights = verifyWeights(config, dir);
  // Awaited with the workers below; until then a failure must not count as unhandled.
  weights.catch(() => undefined);

  const workers = options.workers ?? config.workers ?? os.availableParallelism();
  // A floor of 512: hundreds of concurrent one-shot callers must be queued, not refused, even on 2 cores.
  const maxInFlight = options.maxInFlight ?? config.max_in_flight ?? Math.max(512, 64 * workers);
  const stats = new Stats();
  const metrics = new Metrics(
    { modelId: config.model_id, modelVersion: config.model_version, runtimeVersion: runtimeVersion(), engine: config.engine },
    options.metricsMaxCameras,
  );
  // The threads first: their boot is most of the start, and the rest happens meanwhile.
  const pool = new WorkerPool({
    modelDir: dir,
    config,
    weights,
    allowedRoots: options.allowedRoots,
    workers,
    maxInFlight,
    timeoutMs: options.requestTimeoutMs ?? config.request_timeout_ms,
    log,
    metrics,
  });
  metrics.watchPool({ inFlight: () => pool.inFlight, queued: () => pool.queued });
  // Until the socket is bound, a failure closes what started: the threads, the metrics port.
  let scrape: Awaited<ReturnType<typeof startMetricsEndpoint>> | null = null;
  let bound: { router: RequestRouter; server: IpcServer; heartbeat: Heartbeat };
  try {
    // Before the socket, so a port already taken fails start-up before the socket is bound.
    scrape = options.metricsPort === undefined ? null : await startMetricsEndpoint(metrics, options.metricsPort, () => pool.settleReports());
    bound = await bindSocket(options, config, stats, metrics, log);
  } catch (err) {
    await pool.close();
    scrape?.close();
    throw err;
  }
  const { router, server, heartbeat } = bound;
  log('info', 'loading', { model_id: config.model_id, socket: server.socketPath, workers, max_in_flight: maxInFlight, metrics_port: options.metricsPort ?? null });
  router.problemSources.push(() => pool.problem());

  let stopping: Promise<{ drained: boolean }> | null = null;
  const stop = (): Promise<{ drained: boolean }> => {
    stopping ??= (async () => {
      router.status = 'draining';
      log('info', 'draining', { model_id: config.model_id, in_flight: stats.inFlight });
      await server.stopAccepting();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        server.whenIdle().then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.drainTimeoutMs))),
      ]);
      clearTimeout(timer);
      server.closeConnections();
      if (!drained) {
        log('warn', 'drain deadline passed', { drain_timeout_ms: options.drainTimeoutMs, in_flight: stats.inFlight });
        server.destroyConnections();
      }
      await pool.close();
      scrape?.close();
      scrape?.closeAllConnections();
      router.status = 'stopped';
      await heartbeat.stop('stopped');
      log('info', 'stopped', { model_id: config.model_id, drained, total_requests: stats.totalRequests });
      return { drained };
    })();
    return stopping;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      Promise.all([weights, pool.ready(options.loadTimeoutMs)]).then(() => resolve(), reject);
      if (signal?.aborted) reject(new StartupError('STOPPED_WHILE_LOADING', 'stopped while loading'));
      signal?.addEventListener('abort', () => reject(new StartupError('STOPPED_WHILE_LOADING', 'stopped while loading')), { once: true });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  router.runner = pool;
  router.status = 'ready';
  await heartbeat.write();
  log('info', 'ready', {
    model_id: config.model_id,
    socket: server.socketPath,
    runtime_version: runtimeVersion(),
    workers,
    max_in_flight: maxInFlight,
    startup_ms: Math.round(performance.now() - startedAt),
  });
  return { modelId: config.model_id, socketPath: server.socketPath, router, heartbeatFile: heartbeat.file, stop };
}

/** Step 3: the socket, listening, and the heartbeat file; health answers `loading` until the pool is ready. */
async function bindSocket(options: ServeOptions, config: ModelConfig, stats: Stats, metrics: Metrics, log: Logger): Promise<{ router: RequestRouter; server: IpcServer; heartbeat: Heartbeat }> {
  const router = new RequestRouter(config, stats, metrics);
  const server = new IpcServer({
    socketPath: socketPathFor(options.socketDir, config.model_id),
    handler: router,
    limits: {
      maxRequestBytes: options.maxRequestBytes,
      readTimeoutMs: options.readTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      maxPending: MAX_PENDING_PER_CONNECTION,
      maxUnreadBytes: MAX_UNREAD_BYTES_PER_CONNECTION,
      budget: new ByteBudget(options.maxBufferedBytes),
    },
    maxConnections: options.maxConnections,
    onRefused: (refused) => {
      stats.refusedConnections = refused;
      // The first refusal, then one line per 100: a flood must not flood the log.
      if (refused === 1 || refused % 100 === 0) log('warn', 'connection refused: limit reached', { max_connections: options.maxConnections, refused_total: refused });
    },
    mode: options.socketMode,
    group: options.socketGroup,
  });
  stats.openConnections = () => server.connections;
  await server.listen();
  const heartbeat = new Heartbeat(options.heartbeatDir, config.model_id, stats, () => router.condition().status, log);
  router.problemSources.push(() => heartbeat.problem());
  await heartbeat.start();
  return { router, server, heartbeat };
}
