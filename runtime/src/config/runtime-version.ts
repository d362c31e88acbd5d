/**
 * The runtime's one version: runtime/package.json, read at run time so the
 * describe answer, the logs and the image tag can never disagree.
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function runtimeVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
