/** `ruth-model serve`: run the model server until SIGTERM/SIGINT. Exit 0 after a clean drain. */
import { jsonLogger } from '../log/logger.js';
import { serveOptionsFromEnv } from '../config/serve-options.js';
import { startServer, type RunningServer } from '../lifecycle/start-server.js';
import { runtimeVersion } from '../config/runtime-version.js';
import { flags } from './args.js';

export async function serveCommand(argv: string[]): Promise<number> {
  const log = jsonLogger({ runtime_version: runtimeVersion() });
  let running: RunningServer | null = null;
  const abort = new AbortController();
  let stopSignal: string | null = null;
  const onSignal = (sig: string): void => {
    if (stopSignal) return;
    stopSignal = sig;
    log('info', 'signal', { signal: sig });
    abort.abort();
    if (running) void running.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  try {
    const f = flags(argv, ['models-dir', 'socket-dir', 'model']);
    const options = serveOptionsFromEnv({
      ...process.env,
      ...(f['models-dir'] ? { RUTH_MODELS_DIR: f['models-dir'] } : {}),
      ...(f['socket-dir'] ? { RUTH_SOCKET_DIR: f['socket-dir'] } : {}),
      ...(f.model ? { RUTH_MODEL_ID: f.model } : {}),
    });
    running = await startServer(options, log, abort.signal);
  } catch (err) {
    if (stopSignal) {
      log('info', 'stopped before ready', { signal: stopSignal });
      return 0;
    }
    const e = err as Error & { code?: unknown };
    // The stable code (WEIGHT_MISMATCH, LOAD_FAILED, ...; runtime/README.md) when the error has one.
    log('error', `cannot start: ${e.message}`, { error_type: e.name, ...(typeof e.code === 'string' ? { error_code: e.code } : {}) });
    return 1;
  }
  // Serving: the process stays alive on the listening socket until a signal.
  return new Promise<number>(() => undefined);
}
