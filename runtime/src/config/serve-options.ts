/**
 * `ruth-model serve` settings from the environment, each checked up front:
 * a bad value stops start-up with a message naming the variable and the value.
 */
import { OptionError } from '../errors/errors.js';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT_MS } from '../ipc/connection-limits.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../ipc/message-codec.js';
import { DEFAULT_MAX_CAMERAS } from '../metrics/metrics.js';

/** Where the image holds its model folders, and where sockets and heartbeats go: shared with the client commands. */
export const DEFAULT_MODELS_DIR = '/opt/ruth-ai/models';
export const DEFAULT_SOCKET_DIR = '/tmp';
export const DEFAULT_HEARTBEAT_DIR = '/tmp';

export interface ServeOptions {
  modelsDir: string;
  socketDir: string;
  socketMode: number;
  socketGroup?: string;
  allowedRoots: string[];
  /** Undefined: model.yaml `workers`, else the core count. */
  workers?: number;
  /** Undefined: model.yaml `max_in_flight`, else max(512, 64 per worker). */
  maxInFlight?: number;
  drainTimeoutMs: number;
  heartbeatDir: string;
  maxRequestBytes: number;
  /** Bytes of partial requests held across all connections. */
  maxBufferedBytes: number;
  /** A started request must be whole within this. */
  readTimeoutMs: number;
  /** A connection idle this long is closed. */
  idleTimeoutMs: number;
  maxConnections: number;
  /** How long load + warmup may take before start-up fails. */
  loadTimeoutMs: number;
  /** Undefined: model.yaml `request_timeout_ms`. Slower hardware than the model was tuned on (an emulated arm64 image) needs more. */
  requestTimeoutMs?: number;
  /** Serve only this model when the folder holds several. */
  modelId?: string;
  /** TCP port for GET /metrics; undefined (the default) opens none. */
  metricsPort?: number;
  /** Distinct camera_id labels in ruth_camera_frames_total before "other". */
  metricsMaxCameras: number;
}

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new OptionError(`${key} must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function port(env: Env, key: string): number | undefined {
  const value = positiveInt(env, key);
  if (value !== undefined && value > 65535) throw new OptionError(`${key} must be a TCP port (1-65535), got ${JSON.stringify(env[key])}`);
  return value;
}

function mode(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^0?[0-7]{3}$/.test(raw.trim())) throw new OptionError(`${key} must be an octal file mode like 0600 or 0660, got ${JSON.stringify(raw)}`);
  return parseInt(raw, 8);
}

export function serveOptionsFromEnv(env: Env = process.env): ServeOptions {
  const roots = (env.RUTH_ALLOWED_ROOTS ?? '/dev/shm:/tmp').split(':').filter((r) => r !== '');
  for (const root of roots) {
    if (!root.startsWith('/')) throw new OptionError(`RUTH_ALLOWED_ROOTS entries must be absolute paths, got ${JSON.stringify(root)}`);
  }
  if (roots.length === 0) throw new OptionError(`RUTH_ALLOWED_ROOTS must name at least one folder, got ${JSON.stringify(env.RUTH_ALLOWED_ROOTS)}`);
  return {
    modelsDir: env.RUTH_MODELS_DIR || DEFAULT_MODELS_DIR,
    socketDir: env.RUTH_SOCKET_DIR || DEFAULT_SOCKET_DIR,
    socketMode: mode(env, 'RUTH_SOCKET_MODE', 0o600),
    socketGroup: env.RUTH_SOCKET_GROUP || undefined,
    allowedRoots: roots,
    workers: positiveInt(env, 'RUTH_WORKERS'),
    maxInFlight: positiveInt(env, 'RUTH_MAX_IN_FLIGHT'),
    drainTimeoutMs: positiveInt(env, 'RUTH_DRAIN_TIMEOUT_MS') ?? 10_000,
    heartbeatDir: env.RUTH_HEARTBEAT_DIR || DEFAULT_HEARTBEAT_DIR,
    maxRequestBytes: positiveInt(env, 'RUTH_MAX_REQUEST_BYTES') ?? DEFAULT_MAX_REQUEST_BYTES,
    maxBufferedBytes: positiveInt(env, 'RUTH_MAX_BUFFERED_BYTES') ?? DEFAULT_MAX_BUFFERED_BYTES,
    readTimeoutMs: positiveInt(env, 'RUTH_READ_TIMEOUT_MS') ?? DEFAULT_READ_TIMEOUT_MS,
    idleTimeoutMs: positiveInt(env, 'RUTH_IDLE_TIMEOUT_MS') ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnections: positiveInt(env, 'RUTH_MAX_CONNECTIONS') ?? DEFAULT_MAX_CONNECTIONS,
    loadTimeoutMs: positiveInt(env, 'RUTH_LOAD_TIMEOUT_MS') ?? 300_000,
    requestTimeoutMs: positiveInt(env, 'RUTH_REQUEST_TIMEOUT_MS'),
    modelId: env.RUTH_MODEL_ID || undefined,
    metricsPort: port(env, 'RUTH_METRICS_PORT'),
    metricsMaxCameras: positiveInt(env, 'RUTH_METRICS_MAX_CAMERAS') ?? DEFAULT_MAX_CAMERAS,
  };
}
