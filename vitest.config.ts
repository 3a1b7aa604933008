import { defineConfig } from "vitest/config";

// Integration tests start real nats-server processes; two workers fit a 2-core machine.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
    setupFiles: ["testkit/vitest-setup.ts"],
  },
});
