/**
 * The end of a watch: the annotated frames kept on disk → one animated GIF
 * (ffmpeg, two-pass palette for readable colours) a person can open.
 */
import { spawnSync } from 'node:child_process';

export function writeGif(framesDir: string, firstIndex: number, fps: number, out: string): { ok: boolean; message: string } {
  const args = [
    '-nostdin', '-v', 'error', '-y',
    '-framerate', String(Math.max(1, Math.round(fps))), '-start_number', String(firstIndex),
    '-i', `${framesDir}/%06d.png`,
    '-vf', 'scale=480:-2:flags=lanczos,split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=bayer',
    '-loop', '0', out,
  ];
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.error) return { ok: false, message: `ffmpeg could not run (${(r.error as NodeJS.ErrnoException).code}); install ffmpeg for the summary` };
  if (r.status !== 0) return { ok: false, message: `ffmpeg failed (exit ${r.status}): ${r.stderr.trim()}` };
  return { ok: true, message: `wrote ${out}` };
}
