import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU milliseconds (user + system) a process has used so far, 0 when it is gone; with `reaped`, also what its
 * children that have ended used (a postmaster's backends of a pool already closed, a primary's dead workers).
 */
function cpuMsOf(pid: number, reaped: boolean, statFile = `/proc/${pid}/stat`): number {
  try {
    // the fields after the command (which may hold spaces) start at the state, field 3: utime, stime, cutime and cstime are 14 to 17
    const stat = fs.readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return ((fields[11] + fields[12] + (reaped ? fields[13] + fields[14] : 0)) * 1000) / TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU ms a process's main thread has used so far, 0 when it is gone: a Node process's event loop, which no other core
 * can help (its garbage collector's and thread pool's threads are not counted).
 */
export function mainThreadCpuMs(pid: number): number {
  return cpuMsOf(pid, false, `/proc/${pid}/task/${pid}/stat`);
}

/** The ids of a process's children (a cluster's workers, a postmaster's backends); none when it has none. */
export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** A process and its children (a cluster's primary and its workers). */
export function processTree(pid: number): number[] {
  return [pid, ...childrenOf(pid)];
}

/** The postmaster of a PostgreSQL data directory. */
export function postmasterOf(dataDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/**
 * CPU ms of a process and every child it has had, living (found anew at each reading) or ended. A child that ends
 * while it is being read (the backends of a pool just closed) may be counted nowhere or twice, so the reading is
 * taken again until the children are the same before and after it.
 */
export function treeCpuMs(root: number): number {
  for (let attempt = 0; ; attempt++) {
    const children = childrenOf(root);
    const living = children.reduce((sum, pid) => sum + cpuMsOf(pid, false), 0);
    const total = living + cpuMsOf(root, true);
    const after = childrenOf(root);
    if (attempt >= 20 || (after.length === children.length && after.every((pid, i) => pid === children[i]))) return total;
  }
}
