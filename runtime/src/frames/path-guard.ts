/**
 * Keeps frame reads inside the allowed roots, in two steps:
 *
 *  1. before opening: the reference is resolved (symlinks included, a missing
 *     tail too) and must land inside a root that is itself realpath'd, so a
 *     symlink in /dev/shm pointing at /etc/shadow is refused;
 *  2. after opening: the descriptor's own path (/proc/self/fd/N, which the
 *     kernel derives from what was really opened) must be the path checked
 *     in step 1. Step 1 alone loses a race: a folder swapped for a symlink
 *     between the check and the open (O_NOFOLLOW guards only the last
 *     component) would make the open land outside the roots.
 *
 * Refusals never say where a path resolves or whether it exists: a caller
 * must not learn anything about files outside the roots.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { RuntimeError } from '../errors/errors.js';

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

const MAX_LINK_HOPS = 40; // the kernel's own limit (ELOOP)

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * realpath, but a missing tail is kept instead of failing, and a dangling
 * symlink is followed to where it points: where the path would land if it
 * existed. Decides "outside" before "not found", so that existence outside
 * the roots cannot be probed.
 */
function resolveLoose(path: string, hops = 0): string {
  try {
    return realpathSync.native(path);
  } catch (err) {
    if (!missing(err)) throw err;
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const candidate = join(resolveLoose(parent, hops), basename(path));
  try {
    if (lstatSync(candidate).isSymbolicLink()) {
      if (hops >= MAX_LINK_HOPS) throw Object.assign(new Error('too many symlinks'), { code: 'ELOOP' });
      return resolveLoose(resolve(dirname(candidate), readlinkSync(candidate)), hops + 1);
    }
  } catch (err) {
    if (!missing(err)) throw err;
  }
  return candidate;
}

function notAllowed(reference: string, roots: readonly string[]): RuntimeError {
  return new RuntimeError('PATH_NOT_ALLOWED', `frame_reference ${JSON.stringify(reference)} is outside the allowed roots (${roots.join(':')})`);
}

/** Returns the real path of `reference`, or throws PATH_NOT_ALLOWED / FRAME_NOT_FOUND / FRAME_UNREADABLE. */
export function resolveAllowedPath(reference: string, allowedRoots: readonly string[]): string {
  if (typeof reference !== 'string' || reference.length === 0 || !isAbsolute(reference) || reference.includes('\0')) {
    throw new RuntimeError('PATH_NOT_ALLOWED', `frame_reference must be an absolute path, got ${JSON.stringify(reference)}`);
  }
  const lexical = resolve(reference);
  // Refuse obvious escapes before touching the file system.
  if (!insideAny(lexical, allowedRoots, false) && !insideAny(lexical, allowedRoots, true)) throw notAllowed(reference, allowedRoots);
  let real: string;
  try {
    real = realpathSync.native(lexical);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!missing(err)) throw new RuntimeError('FRAME_UNREADABLE', `frame_reference ${JSON.stringify(reference)} cannot be resolved: ${code ?? String(err)}`);
    let target: string;
    try {
      target = resolveLoose(lexical);
    } catch {
      throw notAllowed(reference, allowedRoots);
    }
    if (!insideAny(target, allowedRoots, true)) throw notAllowed(reference, allowedRoots);
    throw new RuntimeError('FRAME_NOT_FOUND', `frame_reference ${JSON.stringify(reference)} does not exist`);
  }
  if (!insideAny(real, allowedRoots, true)) throw notAllowed(reference, allowedRoots);
  return real;
}

const DELETED = ' (deleted)';

/**
 * Step 2: checks that open file descriptor `fd` is the file at `checkedPath`
 * (a real path inside the roots from resolveAllowedPath). Anything else
 * means a path component was swapped between check and open: refused, and
 * the caller must close fd without reading it. Fails closed when /proc is
 * missing.
 */
export function verifyOpenedPath(fd: number, checkedPath: string, what: string): void {
  let opened: string;
  try {
    opened = readlinkSync(`/proc/self/fd/${fd}`);
  } catch (err) {
    throw new RuntimeError('PATH_NOT_ALLOWED', `${what} ${JSON.stringify(checkedPath)}: the opened file cannot be verified (/proc/self/fd: ${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  // A file unlinked since it was opened reads "<path> (deleted)"; where it was is what counts.
  if (opened.endsWith(DELETED) && opened.slice(0, -DELETED.length) === checkedPath) return;
  if (opened !== checkedPath) {
    throw new RuntimeError('PATH_NOT_ALLOWED', `${what} ${JSON.stringify(checkedPath)} changed between its check and its open (a folder on its path was replaced); not read`);
  }
}
