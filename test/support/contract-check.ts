import { takeProblems } from './answers';

// Every answer a test's server sent must be one the API document allows (test/support/contract.ts).
afterEach(() => {
  const problems = takeProblems();
  if (problems.length > 0) throw new Error(`answers the API document does not allow:\n${problems.join('\n')}`);
});
