import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used so far by each part of the bench's stack, from /proc: the bench
 * process itself (which also runs the three emulators), the worker, the API, the Temporal dev
 * server and PostgreSQL (postmaster and backends). Everything else on the machine is "other".
 * Every part shares the same cores, so a step's breakdown says who took them.
 */
export const ROLES = ['bench+emulators', 'worker', 'api', 'temporal', 'postgres', 'other'] as const;
export type Role = (typeof ROLES)[number];
export type CpuByRole = Record<Role, number>;

const TICKS_PER_SECOND = 100;

export function cpuByRole(pids: { worker?: number; api?: number; temporal?: number }): CpuByRole {
  const totals = Object.fromEntries(ROLES.map((r) => [r, 0])) as CpuByRole;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Own time plus that of children already reaped (PostgreSQL's backends come and go).
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    const seconds = ticks / TICKS_PER_SECOND;
    totals[roleOf(pid, comm, pids)] += seconds;
  }
  return totals;
}

function roleOf(pid: number, comm: string, pids: { worker?: number; api?: number; temporal?: number }): Role {
  if (pid === process.pid) return 'bench+emulators';
  if (pid === pids.worker) return 'worker';
  if (pid === pids.api) return 'api';
  if (pid === pids.temporal || comm === 'temporal') return 'temporal';
  if (comm === 'postgres') return 'postgres';
  return 'other';
}

/** Cores used by each role between two readings `seconds` apart. */
export function coresBetween(before: CpuByRole, after: CpuByRole, seconds: number): CpuByRole {
  return Object.fromEntries(ROLES.map((r) => [r, (after[r] - before[r]) / seconds])) as CpuByRole;
}
