import { defineConfig } from 'vitest/config';

// One `npm test` runs every project: the runtime's unit and socket tests, each
// model's own tests, and the image tests that need a Docker engine.
export default defineConfig({
  test: {
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
    ],
  },
});
