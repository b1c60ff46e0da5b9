import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary folder of the run lives under one directory, removed at the end.
    globalSetup: ['./test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // End-to-end tests start real processes against fake servers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
})
