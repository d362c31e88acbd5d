import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { discoverModels } from '../src/config/discover.js';

const root = mkdtempSync(join(tmpdir(), 'ruth-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function model(folder: string, yaml: string, handler = true, under = root): void {
  const dir = join(under, folder);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'model.yaml'), yaml);
  if (handler) writeFileSync(join(dir, 'dist', 'handler.js'), 'export default {};\n');
}

const yaml = (id: string, extra = ''): string => `model_id: ${id}
model_name: ${id}
model_version: 1.0.0
runtime: ^1.0.0
engine: tfjs
handler: dist/handler.js
weights:
  - { path: w.bin, sha256: ${'ab'.repeat(32)} }
${extra}`;

describe('discoverModels', () => {
  it('lists usable models and reports every unusable folder with a reason', () => {
    model('good', yaml('good'));
    model('renamed-folder', yaml('other-id'));
    model('bad-schema', yaml('bad-schema', 'confidence_threshold: 2\n'));
    model('bad-yaml', 'model_id: [\n');
    model('no-handler', yaml('no-handler'), false);
    model('pytorch', yaml('pytorch').replace('engine: tfjs', 'engine: pytorch'));
    model('dup-a', yaml('dup'));
    model('dup-b', yaml('dup'));
    mkdirSync(join(root, 'not-a-model')); // no model.yaml: ignored
    writeFileSync(join(root, 'README.md'), 'a file, not a folder');

    const found = discoverModels(root);
    expect(found.models.map((m) => m.config.model_id).sort()).toEqual(['good', 'other-id']);
    expect(found.models.find((m) => m.config.model_id === 'good')?.dir).toBe(join(root, 'good'));
    expect(found.warnings).toEqual(
      ['dup-a', 'dup-b', 'renamed-folder'].map((folder) => ({
        dir: join(root, folder),
        reason: `folder name "${folder}" differs from model_id "${folder === 'renamed-folder' ? 'other-id' : 'dup'}"`,
      })),
    );

    const reasons = Object.fromEntries(found.unavailable.map((u) => [u.dir.slice(root.length + 1), u.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['bad-schema', 'bad-yaml', 'dup-a', 'dup-b', 'no-handler', 'pytorch']);
    expect(reasons['bad-schema']).toMatch(/model\.yaml:9: confidence_threshold: must be <= 1/);
    expect(reasons['bad-yaml']).toMatch(/not valid YAML/);
    expect(reasons['no-handler']).toMatch(/handler "dist\/handler.js" not found/);
    expect(reasons.pytorch).toMatch(/engine: must be one of "tfjs", "onnx", got "pytorch"/);
    expect(reasons['dup-a']).toBe(`duplicate model_id "dup": also declared in ${join(root, 'dup-b')}`);
    expect(reasons['dup-b']).toBe(`duplicate model_id "dup": also declared in ${join(root, 'dup-a')}`);
    expect(found.ignored).toEqual([join(root, 'not-a-model')]);
  });

  it('reads source folders with built: false (no compiled handler needed)', () => {
    const sources = mkdtempSync(join(tmpdir(), 'ruth-discover-src-'));
    onTestFinished(() => rmSync(sources, { recursive: true, force: true }));
    model('source-only', yaml('source-only'), false, sources);
    expect(discoverModels(sources, { built: false }).models.map((m) => m.config.model_id)).toEqual(['source-only']);
    expect(discoverModels(sources).models).toEqual([]);
  });

  it('with only (RUTH_MODEL_ID) parses that model folder alone, not its siblings', () => {
    const only = mkdtempSync(join(tmpdir(), 'ruth-discover-only-'));
    try {
      mkdirSync(join(only, 'wanted', 'dist'), { recursive: true });
      writeFileSync(join(only, 'wanted', 'model.yaml'), yaml('wanted'));
      writeFileSync(join(only, 'wanted', 'dist', 'handler.js'), 'export default {};\n');
      mkdirSync(join(only, 'sibling'));
      writeFileSync(join(only, 'sibling', 'model.yaml'), 'model_id: [\n');
      const found = discoverModels(only, { only: 'wanted' });
      expect(found.models.map((m) => m.config.model_id)).toEqual(['wanted']);
      expect(found.unavailable).toEqual([]);
      // An id naming no folder falls back to scanning every folder.
      expect(discoverModels(only, { only: 'renamed' }).unavailable.map((u) => u.dir)).toEqual([join(only, 'sibling')]);
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });

  it('reports a models folder that cannot be read', () => {
    const found = discoverModels(join(root, 'absent'));
    expect(found.models).toEqual([]);
    expect(found.unavailable[0].reason).toMatch(/models folder cannot be read: ENOENT/);
  });
});
