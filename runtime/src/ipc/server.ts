/**
 * The Unix-socket listener. It owns connections, not requests: each
 * connection decodes its own requests and hands them to the MessageHandler.
 * The accept loop never waits on inference.
 */
import net from 'node:net';
import { unlink } from 'node:fs/promises';
import { RuntimeError } from '../errors/errors.js';
import { Connection, type MessageHandler } from './connection.js';
import type { ConnectionLimits } from './connection-limits.js';
import { encodeMessage } from './message-codec.js';
import { applySocketPermissions, clearStaleSocket } from './socket-file.js';
import { lockSocketPath, type LockHooks, type ReleaseLock } from './socket-lock.js';

export interface IpcServerOptions {
  socketPath: string;
  handler: MessageHandler;
  limits: ConnectionLimits;
  /** Connections served at once (RUTH_MAX_CONNECTIONS); past it a caller gets TOO_MANY_CONNECTIONS. */
  maxConnections: number;
  /** Told about each refused connection, with the running count (to log and count). */
  onRefused?: (refused: number) => void;
  /** File mode of the socket, e.g. 0o600. */
  mode: number;
  /** Group name or gid that may also connect (with mode 0o660). */
  group?: string;
  /** Pending-connection queue; large so bursts of one-shot callers are never refused. */
  backlog?: number;
  /** How long to wait for a socket lock held by a server that does not answer yet. */
  lockWaitMs?: number;
  /** Test injection point for the lock's dead-holder takeover. */
  lockHooks?: LockHooks;
  /** Test injection point: runs after a socket was found stale, before it is removed. */
  afterStaleCheck?: () => Promise<void>;
}

export class IpcServer {
  readonly socketPath: string;
  readonly #options: IpcServerOptions;
  readonly #server: net.Server;
  readonly #connections = new Set<Connection>();
  #releaseLock: ReleaseLock | null = null;

  constructor(options: IpcServerOptions) {
    this.#options = options;
    this.socketPath = options.socketPath;
    // allowHalfOpen: a caller that shuts down its write side still gets its answers.
    this.#server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      if (this.#connections.size >= options.maxConnections) {
        this.refused++;
        options.onRefused?.(this.refused);
        const error = new RuntimeError('TOO_MANY_CONNECTIONS', `${this.#connections.size} connections are open, the limit (RUTH_MAX_CONNECTIONS ${options.maxConnections}); retry later`);
        socket.on('error', () => socket.destroy());
        // Read (and drop) what the caller sends, so closing does not reset the connection before it reads the answer.
        socket.resume();
        socket.end(encodeMessage(options.handler.onDecodeError(error)));
        return;
      }
      const conn = new Connection(socket, options.handler, options.limits);
      this.#connections.add(conn);
      socket.once('close', () => this.#connections.delete(conn));
    });
  }

  /** Connections refused at the limit since start. */
  refused = 0;

  get connections(): number {
    return this.#connections.size;
  }

  /** Takes the socket lock (held until stopAccepting), removes a stale socket, binds, and applies mode and group. */
  async listen(): Promise<void> {
    const { socketPath, mode, group } = this.#options;
    this.#releaseLock = await lockSocketPath(socketPath, this.#options.lockWaitMs, this.#options.lockHooks);
    try {
      await this.#bind();
    } catch (err) {
      await this.#unlock();
      throw err;
    }
    await applySocketPermissions(socketPath, mode, group);
  }

  async #bind(): Promise<void> {
    const { socketPath, mode } = this.#options;
    await clearStaleSocket(socketPath, this.#options.afterStaleCheck);
    // A umask matching the mode closes the window between bind and chmod.
    const previous = process.umask(~mode & 0o777);
    try {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen({ path: socketPath, backlog: this.#options.backlog ?? 4096 }, () => {
          this.#server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
  }

  async #unlock(): Promise<void> {
    const release = this.#releaseLock;
    this.#releaseLock = null;
    await release?.();
  }

  /** Stops accepting new connections; open ones keep being served. Removes the socket file, then releases its lock. */
  async stopAccepting(): Promise<void> {
    if (this.#server.listening) {
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        // close() waits for every connection to end; we only want the listener gone.
        setImmediate(resolve);
      });
      await unlink(this.socketPath).catch(() => undefined);
    }
    await this.#unlock();
  }

  /** Resolves once every open connection has written all its pending responses. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.#connections].map((conn) => new Promise<void>((resolve) => conn.whenIdle(resolve))));
  }

  /** Ends every connection after its pending writes (each leaves the set when its socket closes). */
  closeConnections(): void {
    for (const conn of this.#connections) conn.end();
  }

  destroyConnections(): void {
    for (const conn of this.#connections) conn.destroy();
  }
}
