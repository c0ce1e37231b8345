/** npm run test:chaos: the long reliability runs against real server processes (built first). */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/test/chaos/**/*.test.ts'],
  testPathIgnorePatterns: [],
  testTimeout: 300000,
  maxWorkers: 1,
};
