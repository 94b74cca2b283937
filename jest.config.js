/** One jest run over every workspace; tests run from source, packages resolve to their src. */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
const workspace = (name, dir) => [`^@hotline/${name}$`, `<rootDir>/${dir}/src/index.ts`];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/{packages,services,gateway}/**/src/**/*.test.ts'],
  moduleNameMapper: Object.fromEntries([
    // Generated Prisma clients import siblings as './x.js'; tests run the .ts sources.
    ['^(\\.{1,2}/.*)\\.js$', '$1'],
    ['^@hotline/shared/testing$', '<rootDir>/packages/shared/src/testing/index.ts'],
    workspace('shared', 'packages/shared'),
    workspace('intake', 'services/intake'),
    workspace('dispatch', 'services/dispatch'),
    workspace('supervision', 'services/supervision'),
    workspace('analytics', 'services/analytics'),
    workspace('gateway', 'gateway'),
    workspace('system', 'packages/system'),
  ]),
  testTimeout: 60000,
  // A suite that fails half-way can leave a server or consumer open; the run must end anyway, not hang CI.
  forceExit: true,
  // System tests stop brokers and kill processes; on real infrastructure they must not overlap.
  ...(process.env.HOTLINE_MODE === 'distributed' ? { maxWorkers: 1 } : {}),
};
