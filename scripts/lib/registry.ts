/**
 * A throwaway image registry on 127.0.0.1: Debian's docker-registry with its
 * storage in a folder of the caller's. Docker and BuildKit speak plain HTTP to
 * 127.0.0.0/8 without further configuration.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { until } from '@ruth-ai/model-runtime/testing';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface LocalRegistry {
  /** host:port, the prefix of the image names it holds */
  host: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the registry with its storage under `storage`; resolves once it answers /v2/. */
export async function startRegistry(storage: string, deadlineMs = 10_000): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BIN)) throw new Error(`expected ${REGISTRY_BIN} (apt-get install docker-registry), found none`);
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(storage, 'registry.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${storage}/registry\nhttp:\n  addr: ${host}\n`);
  const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
  const answers = async (): Promise<boolean> => {
    try {
      return (await fetch(`http://${host}/v2/`)).ok;
    } catch {
      return false; // not listening yet
    }
  };
  try {
    await until(answers, deadlineMs, `registry at http://${host}/v2/`);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return { host, stop: () => child.kill('SIGTERM') };
}
