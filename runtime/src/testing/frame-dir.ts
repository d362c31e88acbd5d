/** Real frame files for tests: bytes written into a temp folder under /dev/shm. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class FrameDir {
  readonly dir: string;

  constructor(root = '/dev/shm') {
    this.dir = mkdtempSync(path.join(root, 'ruth-frames-'));
  }

  /** Writes an NV12 frame of mid-grey luma (value `y`) and neutral chroma; returns its path. */
  nv12(name: string, width: number, height: number, y = 128): string {
    const data = Buffer.alloc((width * height * 3) / 2, 128);
    data.fill(y, 0, width * height);
    const file = path.join(this.dir, name);
    writeFileSync(file, data);
    return file;
  }

  raw(name: string, bytes: number): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, Buffer.alloc(bytes, 7));
    return file;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
