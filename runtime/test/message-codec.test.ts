import { describe, expect, it } from 'vitest';
import { MessageDecoder, encodeMessage, parseBody } from '../src/ipc/message-codec.js';
import { RuntimeError } from '../src/errors/errors.js';

const msg = (obj: unknown): Buffer => encodeMessage(JSON.stringify(obj));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RuntimeError ? err.code : 'NOT_A_RUNTIME_ERROR';
  }
  return undefined;
}

describe('MessageDecoder', () => {
  it('reassembles a message split byte by byte, header included', () => {
    const d = new MessageDecoder();
    const bytes = msg({ a: 1, text: 'héllo' });
    const got = [];
    for (let i = 0; i < bytes.length; i++) got.push(...d.push(bytes.subarray(i, i + 1)));
    expect(got).toHaveLength(1);
    expect(got[0]!.kind).toBe('message');
    expect(parseBody((got[0] as { body: Buffer }).body)).toEqual({ a: 1, text: 'héllo' });
    expect(d.buffered).toBe(0);
  });

  it('splits three and a half messages in one chunk, keeping the half', () => {
    const d = new MessageDecoder();
    const all = Buffer.concat([msg({ n: 1 }), msg({ n: 2 }), msg({ n: 3 }), msg({ n: 4 })]);
    const cut = all.length - 5;
    const first = d.push(all.subarray(0, cut));
    expect(first.map((m) => (m.kind === 'message' ? parseBody(m.body).n : m.kind))).toEqual([1, 2, 3]);
    expect(d.buffered).toBe(cut - 3 * msg({ n: 1 }).length);
    const rest = d.push(all.subarray(cut));
    expect(rest.map((m) => (m.kind === 'message' ? parseBody(m.body).n : m.kind))).toEqual([4]);
  });

  it('reports a zero length as EMPTY_REQUEST and keeps decoding', () => {
    const d = new MessageDecoder();
    const out = d.push(Buffer.concat([Buffer.alloc(4), msg({ ok: true })]));
    expect(out[0]).toMatchObject({ kind: 'error', fatal: false });
    expect((out[0] as { error: RuntimeError }).error.code).toBe('EMPTY_REQUEST');
    expect(out[1]!.kind).toBe('message');
  });

  it('reports an oversize length as fatal REQUEST_TOO_LARGE without waiting for the body', () => {
    const d = new MessageDecoder(1024);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(1025);
    const out = d.push(head);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'error', fatal: true });
    expect((out[0] as { error: RuntimeError }).error.code).toBe('REQUEST_TOO_LARGE');
    expect(d.push(msg({ later: 1 }))).toEqual([]);
  });

  it('accepts a message of exactly the limit', () => {
    const body = Buffer.from(JSON.stringify({ s: 'x'.repeat(100) }));
    const d = new MessageDecoder(body.length);
    expect(d.push(encodeMessage(body.toString()))[0]!.kind).toBe('message');
  });
});

describe('parseBody', () => {
  it('maps each kind of bad body to its code', () => {
    expect(codeOf(() => parseBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).toBe('INVALID_UTF8');
    expect(codeOf(() => parseBody(Buffer.from('{"a":')))).toBe('INVALID_JSON');
    expect(codeOf(() => parseBody(Buffer.from('[1,2]')))).toBe('INVALID_REQUEST');
    expect(codeOf(() => parseBody(Buffer.from('null')))).toBe('INVALID_REQUEST');
    expect(codeOf(() => parseBody(Buffer.from('"str"')))).toBe('INVALID_REQUEST');
    expect(parseBody(Buffer.from('{"ok":1}'))).toEqual({ ok: 1 });
  });
});

describe('encodeMessage', () => {
  it('prefixes the UTF-8 byte length big-endian', () => {
    const f = encodeMessage('{"k":"é"}');
    expect(f.readUInt32BE(0)).toBe(Buffer.byteLength('{"k":"é"}'));
    expect(f.subarray(4).toString('utf8')).toBe('{"k":"é"}');
  });
});
