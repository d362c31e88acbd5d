/**
 * Maps a path into the loaded object back to a line in the YAML text.
 * js-yaml gives values but no node positions, so the text is also parsed with
 * `yaml` (eemeli), whose nodes carry source ranges; only positions are taken
 * from it.
 */
import type { Document, LineCounter } from 'yaml';
import { lazyRequire } from '../lazy-require.js';

const yamlModule = lazyRequire<typeof import('yaml')>('yaml');

export type PathSegment = string | number;

export class YamlLocator {
  private readonly text: string;
  /** Parsed on the first line() call: a valid model.yaml never needs its positions. */
  private parsed: { doc: Document; lines: LineCounter } | undefined;

  constructor(text: string) {
    this.text = text;
  }

  private positions(): { doc: Document; lines: LineCounter } {
    if (this.parsed === undefined) {
      const { LineCounter, parseDocument } = yamlModule();
      const lines = new LineCounter();
      this.parsed = { doc: parseDocument(this.text, { lineCounter: lines, prettyErrors: false, strict: false, uniqueKeys: false }), lines };
    }
    return this.parsed;
  }

  /** 1-based line of the value at `path`, or of `key` inside it, or of the nearest existing ancestor. */
  line(path: readonly PathSegment[], key?: string): number | undefined {
    const { doc, lines } = this.positions();
    const { isMap, isSeq } = yamlModule();
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as unknown;
      if (node === undefined) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (range) return lines.linePos(range[0]).line;
      }
      if (n === 0 && !isMap(node) && !isSeq(node)) return 1;
      const range = (node as { range?: [number, number, number] }).range;
      if (range) return lines.linePos(range[0]).line;
      if (n === 0) return 1;
    }
    return undefined;
  }
}

/** `/weights/0/sha256` (a JSON pointer from ajv) → ['weights', 0, 'sha256']. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** ['weights', 0, 'sha256'] → `weights[0].sha256`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}
