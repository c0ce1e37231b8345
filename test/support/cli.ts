import { buildProgram } from '../../scripts/wallet';

/** Runs `npx wallet <args>` in this process; returns what it printed and its exit code. */
export async function wallet(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk instanceof Uint8Array ? Buffer.from(chunk) : chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  process.exitCode = 0;
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'wallet', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join(''), err: err.join(''), code };
}
