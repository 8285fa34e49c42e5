/**
 * Three suites, all run by `npm test` (select one with `npx jest --selectProjects unit`):
 * - unit: synthesized JSON and pure functions, in-process and fast;
 * - integration: dynalite, child processes, npm pack, the cdktf CLI;
 * - browser: the contact form in headless Chromium against the local preview;
 * - terraform: the real Terraform and AWS provider validate, plan and apply what we synthesize, against a
 *   local AWS (its global setup builds or finds the CLI, the provider mirror and the Python tools first).
 */
// @swc/jest only strips types (fast); `npm run typecheck` type-checks as its own step.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};
const common = {
  testEnvironment: 'node',
  transform,
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  modulePathIgnorePatterns: ['<rootDir>/cdktf.out', '<rootDir>/lib'],
  testTimeout: 120000,
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/__tests__/browser/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'terraform',
      testMatch: ['<rootDir>/__tests__/terraform/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/terraform/global-setup.ts',
      testTimeout: 900000,
    },
  ],
};
