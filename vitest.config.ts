import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Long soaks (hours of audio) only when asked: EAS_SOAK=1 npm test
    env: { EAS_SOAK: process.env.EAS_SOAK ?? '' },
  },
});
