/**
 * Where something moves under a fixed camera: the places worth a closer look.
 *
 * A camera's frames arrive one by one, and a person far from the camera is
 * 12-30 px tall in MoveNet's 256-px input: too small to read. They move,
 * though. Like Frigate's motion stage, each worker keeps, per camera, a
 * running background of the frame's brightness on a coarse grid (160
 * cells across a 4:3 picture), and returns the boxes of the cells that differ from it.
 * The pose is then read on those boxes cut from the full-resolution frame.
 *
 * Cheap on purpose: one pass over a quarter of the luma samples (under 1 ms
 * for 1080p). A frame unlike the last one (more than half the grid changed:
 * another scene, a camera switch, a test sending stills) restarts the
 * background and reports nothing, so unrelated frames sent under one camera
 * id cost nothing extra. A person who stops moving fades into the
 * background within a few seconds: motion only adds places to look; the
 * upright pass and the lying-person reads do not depend on it.
 */
import type { Frame } from '@ruth-ai/model-runtime';

/** [x0, y0, x1, y1] in frame pixels. */
export type FrameBox = [number, number, number, number];

export interface MotionOptions {
  /** Brightness difference (0-255) from the background that counts as motion. */
  threshold: number;
  /** How fast the background follows the scene, per frame (0-1). */
  learnRate: number;
}

const GRID_COLUMNS = 160;
/** More than this share of cells changed: another scene, start again. */
const SCENE_CHANGE = 0.5;
/** Components smaller than this many cells are noise (leaves, compression). */
const MIN_CELLS = 4;
/** Cameras remembered per worker (least recently seen dropped first). */
const MAX_CAMERAS = 64;

interface Background {
  cols: number;
  rows: number;
  cell: number;
  frameWidth: number;
  frameHeight: number;
  mean: Float32Array;
}

/**
 * Mean brightness per grid cell (full-range grey levels, whatever the
 * format), from every second pixel of every second row.
 */
export function lumaGrid(frame: Frame, cell: number): { cols: number; rows: number; grid: Float32Array } {
  const { width, height, stride, format } = frame.layout;
  const cols = Math.floor(width / cell);
  const rows = Math.floor(height / cell);
  const grid = new Float32Array(cols * rows);
  const counts = new Uint16Array(cols * rows);
  const d = frame.data;
  const packed = format === 'RGB24' || format === 'BGR24';
  const [r, b] = format === 'BGR24' ? [2, 0] : [0, 2];
  for (let y = 0; y < rows * cell; y += 2) {
    const rowBase = (y / cell | 0) * cols;
    const line = y * stride;
    for (let x = 0; x < cols * cell; x += 2) {
      // Planar formats and GRAY8 start with the luma plane; packed RGB/BGR: BT.601 luma.
      const p = line + x * 3;
      const v = packed ? (77 * d[p + r] + 150 * d[p + 1] + 29 * d[p + b]) >> 8 : d[line + x];
      const c = rowBase + (x / cell | 0);
      grid[c] += v;
      counts[c]++;
    }
  }
  // NV12 and I420 carry video-range luma (16-235): stretch it to 0-255.
  const video = format === 'NV12' || format === 'I420';
  for (let i = 0; i < grid.length; i++) {
    const mean = grid[i] / (counts[i] || 1);
    grid[i] = video ? (mean - 16) * (255 / 219) : mean;
  }
  return { cols, rows, grid };
}

/** Per-camera backgrounds for one worker. */
export class MotionTracker {
  private readonly cameras = new Map<string, Background>();

  /** Updates the camera's background with `frame` and returns where it moved, largest first. */
  update(cameraId: string, frame: Frame, opts: MotionOptions): FrameBox[] {
    const { width, height } = frame.layout;
    // Cells scale with the picture, not with black bars: a 4:3 picture
    // pillarboxed in 1920x1080 gets the cells of a 1440-wide one.
    const cell = Math.max(2, Math.floor(Math.min(width, (height * 4) / 3) / GRID_COLUMNS));
    const { cols, rows, grid } = lumaGrid(frame, cell);
    const bg = this.cameras.get(cameraId);
    this.cameras.delete(cameraId);
    if (!bg || bg.frameWidth !== width || bg.frameHeight !== height) {
      this.remember(cameraId, { cols, rows, cell, frameWidth: width, frameHeight: height, mean: grid });
      return [];
    }
    this.remember(cameraId, bg);
    const moving = new Uint8Array(cols * rows);
    let changed = 0;
    for (let i = 0; i < grid.length; i++) {
      if (Math.abs(grid[i] - bg.mean[i]) > opts.threshold) {
        moving[i] = 1;
        changed++;
      }
    }
    if (changed > SCENE_CHANGE * grid.length) {
      bg.mean = grid;
      return [];
    }
    const rate = opts.learnRate;
    for (let i = 0; i < grid.length; i++) bg.mean[i] += rate * (grid[i] - bg.mean[i]);
    return components(moving, cols, rows)
      .filter((c) => c.cells >= MIN_CELLS)
      .sort((a, b) => b.cells - a.cells)
      .map((c) => [c.x0 * cell, c.y0 * cell, (c.x1 + 1) * cell, (c.y1 + 1) * cell]);
  }

  private remember(cameraId: string, bg: Background): void {
    this.cameras.set(cameraId, bg);
    if (this.cameras.size > MAX_CAMERAS) this.cameras.delete(this.cameras.keys().next().value!);
  }
}

interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cells: number;
}

/**
 * 8-connected components of the moving cells, bridging one-cell gaps (a
 * walker's body and legs often differ from the ground by less in places).
 */
function components(moving: Uint8Array, cols: number, rows: number): Component[] {
  const label = new Int32Array(cols * rows).fill(-1);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < moving.length; start++) {
    if (!moving[start] || label[start] >= 0) continue;
    const c: Component = { x0: cols, y0: rows, x1: -1, y1: -1, cells: 0 };
    label[start] = out.length;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % cols;
      const y = (i / cols) | 0;
      c.cells++;
      c.x0 = Math.min(c.x0, x);
      c.x1 = Math.max(c.x1, x);
      c.y0 = Math.min(c.y0, y);
      c.y1 = Math.max(c.y1, y);
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const j = ny * cols + nx;
          if (moving[j] && label[j] < 0) {
            label[j] = out.length;
            stack.push(j);
          }
        }
      }
    }
    out.push(c);
  }
  return out;
}
