// The identity of the process writing a run (host, pid, process start time) and whether it still
// runs: how a resume tells a live writer from a dead one. Linux only can tell a reused pid apart.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * A process that writes a run, recorded with it (`NewRun.writer`) as JSON text.
 *
 * Liveness is judged on this host only: SQLite in WAL mode cannot be shared across hosts (its
 * index lives in shared memory), so a writer recorded on another host cannot be writing this file
 * now (a file copied from another machine resumes at once). On the same host a writer is alive
 * while its pid runs and, on Linux, has the same start time (`/proc/<pid>/stat` and the boot id),
 * so a pid reused by another process does not block a resume. Where /proc is missing, a reused pid
 * looks alive: the resume is then refused, never unsafe.
 */
export class WriterProcess {
  /** Host name, pid and start time (`<boot id>:<clock ticks since boot>` on Linux, absent elsewhere). */
  constructor(
    readonly host: string,
    readonly pid: number,
    readonly startTime?: string,
  ) {}

  /** This process. */
  static current(): WriterProcess {
    return new WriterProcess(hostname(), process.pid, processStat(process.pid)?.startTime);
  }

  /** The writer recorded as `text`, or undefined when there is none or it is not one of ours. */
  static parse(text: string | undefined): WriterProcess | undefined {
    if (text === undefined) return undefined;
    try {
      const value = JSON.parse(text) as { host?: unknown; pid?: unknown; startTime?: unknown };
      // A pid below 1 names no one process (`kill(0)` and `kill(-1)` signal groups): not a writer.
      if (typeof value.host !== 'string' || !Number.isSafeInteger(value.pid) || (value.pid as number) < 1) return undefined;
      return new WriterProcess(value.host, value.pid as number, typeof value.startTime === 'string' ? value.startTime : undefined);
    } catch {
      return undefined;
    }
  }

  /** The JSON text recorded with a run. */
  toString(): string {
    return JSON.stringify({ host: this.host, pid: this.pid, ...(this.startTime !== undefined ? { startTime: this.startTime } : {}) });
  }

  /** `pid 123 on host-a`, for messages. */
  describe(): string {
    return `pid ${this.pid} on ${this.host}`;
  }

  /** Whether this process still runs (see the class comment for how it is judged). */
  isAlive(): boolean {
    if (this.host !== hostname()) return false;
    try {
      process.kill(this.pid, 0);
    } catch (error) {
      // EPERM: it exists but belongs to another user.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
    const stat = processStat(this.pid);
    // A zombie (killed, not yet reaped by its parent) writes nothing any more: it is not a writer.
    if (stat?.state === 'Z' || stat?.state === 'X') return false;
    if (this.startTime === undefined) return true;
    return stat === undefined || stat.startTime === this.startTime;
  }
}

/**
 * The state letter (`R`, `S`, `Z` for a zombie, ...) and `<boot id>:<start time in clock ticks since
 * boot>` of a Linux process; undefined elsewhere or when it is gone.
 */
function processStat(pid: number): { readonly state: string; readonly startTime: string } | undefined {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** The state and start time of `/proc/<pid>/stat` text: fields after the command name (which may hold spaces and parentheses), state field 3, starttime 22. */
export function parseProcessStat(stat: string, bootId: string): { readonly state: string; readonly startTime: string } | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const ticks = fields[19];
  return state === undefined || ticks === undefined ? undefined : { state, startTime: `${bootId}:${ticks}` };
}
