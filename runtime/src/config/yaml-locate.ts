/**
 * Maps a path into the loaded object back to a line in the YAML text.
 * js-yaml gives values but no node positions, so the text is also parsed with
 * `yaml` (eemeli), whose nodes carry source ranges; only positions are taken
 * from it.
 */
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';

export type PathSegment = string | number;

export class YamlLocator {
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, strict: false, uniqueKeys: false });
  }

  /** 1-based line of the value at `path`, or of `key` inside it, or of the nearest existing ancestor. */
  line(path: readonly PathSegment[], key?: string): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as unknown;
      if (node === undefined) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (range) return this.lines.linePos(range[0]).line;
      }
      if (n === 0 && !isMap(node) && !isSeq(node)) return 1;
      const range = (node as { range?: [number, number, number] }).range;
      if (range) return this.lines.linePos(range[0]).line;
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
