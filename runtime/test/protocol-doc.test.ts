import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LOCAL_ERROR_CODES } from '../src/errors/codes.js';

describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `([A-Z_0-9]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1]!, { meaning: m[2]!.trim(), fix: m[3]!.trim() }]));

  it('lists every error code with a meaning and a fix', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(rows.has(code), `${code} missing from the error-code table`).toBe(true);
      expect(rows.get(code)!.meaning.length).toBeGreaterThan(10);
      expect(rows.get(code)!.fix.length).toBeGreaterThan(5);
    }
  });

  it('lists no code that the runtime does not have', () => {
    expect([...rows.keys()].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  });
});

describe('runtime/README.md errors table', () => {
  const doc = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_0-9]+)` \| `([A-Za-z]+Error)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[3]!.trim()]);

  it('is LOCAL_ERROR_CODES, in order, word for word', () => {
    expect(rows).toEqual(Object.entries(LOCAL_ERROR_CODES));
  });

  it('shares no code with the wire', () => {
    expect(Object.keys(LOCAL_ERROR_CODES).filter((c) => c in ERROR_CODES)).toEqual([]);
  });
});
