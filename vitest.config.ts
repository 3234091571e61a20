import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/scenarios/**/*.test.ts", "test/bench/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "test/sandbox/**"],
    testTimeout: 20000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
