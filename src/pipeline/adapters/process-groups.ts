import { readFileSync, readdirSync } from 'node:fs';

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, …, starttime at index 19]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * When a process started, in clock ticks since boot, or undefined where /proc is not there. With
 * the pid it names one process start: a pid reused later has another start time.
 */
export function processStartTicks(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** True when /proc can be read (Linux): group membership is then exact. */
function hasProc(): boolean {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
}

/** The live (not zombie) processes of a process group. Without /proc: [pgid] when signal 0 reaches the group. */
export function groupMembers(pgid: number): number[] {
  if (!hasProc()) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') out.push(Number(name));
  }
  return out;
}

/** Sends a signal to every process of a group; false when the group is empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
