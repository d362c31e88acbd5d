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
 * resolveInsideRoots does both at once for the common case (an O_PATH
 * descriptor, checked before anything is opened for reading); every refusal
 * comes from the two steps.
 *
 * Refusals never say where a path resolves or whether it exists: a caller
 * must not learn anything about files outside the roots.
 */
import { closeSync, fstatSync, lstatSync, openSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
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

/** The normalised absolute path of `reference`; throws PATH_NOT_ALLOWED for an obvious escape, before the file system is touched. */
function lexicalPath(reference: string, allowedRoots: readonly string[]): string {
  if (typeof reference !== 'string' || reference.length === 0 || !isAbsolute(reference) || reference.includes('\0')) {
    throw new RuntimeError('PATH_NOT_ALLOWED', `frame_reference must be an absolute path, got ${JSON.stringify(reference)}`);
  }
  const lexical = resolve(reference);
  if (!insideAny(lexical, allowedRoots, false) && !insideAny(lexical, allowedRoots, true)) throw notAllowed(reference, allowedRoots);
  return lexical;
}

/** Returns the real path of `reference`, or throws PATH_NOT_ALLOWED / FRAME_NOT_FOUND / FRAME_UNREADABLE. */
export function resolveAllowedPath(reference: string, allowedRoots: readonly string[]): string {
  const lexical = lexicalPath(reference, allowedRoots);
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

/** Linux's O_PATH (not in fs.constants): resolves a path to a descriptor without opening the file itself. */
const O_PATH = 0o10000000;

/**
 * Both steps at once, for the common case: the kernel resolves the
 * reference (symlinks included) into an O_PATH descriptor, which opens
 * nothing (no device or FIFO sees an open), and the check is made on that
 * descriptor's own path, so nothing can be swapped between check and open.
 * A regular file is then opened for reading through /proc/self/fd/N, which
 * reaches that very file whatever its path has become: 7 system calls a
 * frame instead of 10.
 *
 * Returns the real path, its stat and the O_PATH descriptor (the caller
 * closes it), or null for anything else (missing, outside the roots, no
 * /proc...): resolveAllowedPath then gives the exact refusal, so both ways
 * refuse alike.
 */
export function resolveInsideRoots(reference: string, allowedRoots: readonly string[]): { real: string; stat: BigIntStats; handle: number } | null {
  const lexical = lexicalPath(reference, allowedRoots);
  let handle: number;
  try {
    handle = openSync(lexical, O_PATH);
  } catch {
    return null;
  }
  try {
    const real = readlinkSync(`/proc/self/fd/${handle}`);
    if (!real.endsWith(DELETED) && insideAny(real, allowedRoots, true)) return { real, stat: fstatSync(handle, { bigint: true }), handle };
  } catch {
    // No /proc, or the file is gone: the two steps decide.
  }
  closeSync(handle);
  return null;
}
