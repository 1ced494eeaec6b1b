import { readFileSync } from 'node:fs';

/**
 * The start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), or null where
 * /proc is not available. The command name (field 2) may contain spaces and parentheses, so the
 * fields are counted from the last ')'.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall; fields[0] here is field 3
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True only when the holder certainly is gone: it ran on this host and its pid is not alive, or the
 * pid now belongs to a process started at another time. A holder on another host is never judged
 * dead here; its lock expires after its TTL.
 */
export function isHolderDead(holder: { host: string; pid: number; pidStart: string | null }, thisHost: string): boolean {
  if (holder.host !== thisHost || !Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  if (!pidAlive(holder.pid)) return true;
  const start = processStartTime(holder.pid);
  return holder.pidStart !== null && start !== null && start !== holder.pidStart;
}
