import { defineConfig } from 'vitest/config';

// One `npm test` runs every project: the runtime's unit and socket tests, each
// model's own tests, the factory's own checks (generator, scaffold, CI files),
// the image tests that need a Docker engine, and last the arm64 image under QEMU.
// In CI the suite runs once in a random order (files and tests), so a test
// that leans on another's leftovers fails there; the seed is printed to rerun
// that order (--sequence.seed). .ci/run still runs the README's `npm test`.
const sequence = { shuffle: Boolean(process.env.CI), seed: Number(process.env.VITEST_SEED ?? Date.now() % 1_000_000) };
if (process.env.CI) console.log(`vitest: shuffled, seed ${sequence.seed} (VITEST_SEED=${sequence.seed} to repeat)`);

export default defineConfig({
  test: {
    sequence,
    // In CI a JSON report is written too, so .ci/run can print one plain
    // "N passed, N failed" line that any log reader understands.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.cache/vitest-report.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'runtime',
          include: ['runtime/test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'models',
          include: ['models/*/test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'factory',
          include: ['test/factory/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'images',
          include: ['test/images/**/*.test.ts'],
          // Builds the images once (cached by BuildKit) and provides their tags.
          globalSetup: ['test/images/global-setup.ts'],
          // Containers are heavy on a 2-core machine: one file at a time.
          fileParallelism: false,
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'arm64',
          include: ['test/arm64/**/*.test.ts'],
          // Builds the arm64 images (QEMU runs their apt steps) and provides their namespace.
          globalSetup: ['test/arm64/global-setup.ts'],
          // After the other projects, alone: an emulated model start takes the
          // whole machine for minutes and would starve the image tests' timeouts.
          sequence: { ...sequence, groupOrder: 1 },
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
          testTimeout: 1_200_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
