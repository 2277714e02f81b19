import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'tests/app/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'server',
          // Greps every log line of the run for tokens and secrets at the end (redaction, tested as a whole).
          globalSetup: ['tests/log-check.ts'],
          include: ['tests/server/**/*.test.ts', 'tests/sandbox/**/*.test.ts', 'tests/domain/**/*.test.ts', 'tests/scale/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
