import { defineConfig } from 'vitest/config';

// Three levels of the test ladder (docs/architecture.md): unit tests beside the code, kernel
// tests on this machine (root, network namespaces), and the QEMU/IPVS suite. The levels
// run one after another (groupOrder): the VM suite's timing checks (failover bounds,
// probe timeouts) must not share the 2 cores with the rest.
export default defineConfig({
  test: {
    // Generated validators and the one-file yaml, which src/ loads (test/support/generate.ts).
    globalSetup: ['test/support/generate.ts'],
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'kernel',
          include: ['test/kernel/**/*.test.ts', 'test/ecosystem/**/*.test.ts', 'test/differential/**/*.test.ts'],
          testTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'vm',
          include: ['test/vm/**/*.test.ts'],
          testTimeout: 1_200_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
