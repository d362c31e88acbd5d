/**
 * Keeps frame reads inside the allowed roots. A reference is resolved with
 * realpath (symlinks included) and must land inside a root that is itself
 * realpath'd, so a symlink in /dev/shm pointing at /etc/shadow is refused.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { RuntimeError } from '../errors/runtime-error.js';

const realRootCache = new Map<string, string | null>();

function realRoot(root: string): string | null {
  let real = realRootCache.get(root);
  if (real === undefined) {
    try {
      real = realpathSync.native(root);
    } catch {
      real = null; // a root that does not exist allows nothing
    }
    realRootCache.set(root, real);
  }
  return real;
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function insideAny(path: string, roots: readonly string[], real: boolean): boolean {
  for (const root of roots) {
    const r = real ? realRoot(root) : resolve(root);
    if (r !== null && inside(path, r)) return true;
  }
  return false;
}

/** Returns the real path of `reference`, or throws PATH_NOT_ALLOWED / FRAME_NOT_FOUND / FRAME_UNREADABLE. */
export function resolveAllowedPath(reference: string, allowedRoots: readonly string[]): string {
  if (typeof reference !== 'string' || reference.length === 0 || !isAbsolute(reference) || reference.includes('\0')) {
    throw new RuntimeError('PATH_NOT_ALLOWED', `frame_reference must be an absolute path, got ${JSON.stringify(reference)}`);
  }
  const lexical = resolve(reference);
  // Refuse obvious escapes before touching the file system, so that callers
  // cannot probe which paths exist outside the roots.
  if (!insideAny(lexical, allowedRoots, false) && !insideAny(lexical, allowedRoots, true)) {
    throw new RuntimeError('PATH_NOT_ALLOWED', `frame_reference ${JSON.stringify(reference)} is outside the allowed roots (${allowedRoots.join(':')})`);
  }
  let real: string;
  try {
    real = realpathSync.native(lexical);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new RuntimeError('FRAME_NOT_FOUND', `frame_reference ${JSON.stringify(reference)} does not exist`);
    }
    throw new RuntimeError('FRAME_UNREADABLE', `frame_reference ${JSON.stringify(reference)} cannot be resolved: ${code ?? String(err)}`);
  }
  if (!insideAny(real, allowedRoots, true)) {
    throw new RuntimeError(
      'PATH_NOT_ALLOWED',
      `frame_reference ${JSON.stringify(reference)} resolves to ${JSON.stringify(real)}, outside the allowed roots (${allowedRoots.join(':')})`,
    );
  }
  return real;
}
