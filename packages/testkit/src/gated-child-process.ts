// A TypeScript child process (run under tsx) that prints "ready" once set up, then waits for
// "go" on stdin: tests start several, release them together, and so really race them.
import { spawn } from 'node:child_process';

/** How a child ended, with everything it printed. */
export interface ChildExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child started by {@link startGatedChild}. */
export interface GatedChildProcess {
  /** Resolves when the child printed `ready`; rejects (with its stderr) if it exited first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<ChildExit>;
  /** Releases the child (writes `go` and closes its stdin). */
  go(): void;
  /** Kills the child if it still runs (for `afterEach`). */
  kill(): void;
}

/** Starts `node --import tsx <script> ...args` in `cwd` with the ready / go protocol. */
export function startGatedChild(script: string, args: readonly string[], options: { readonly cwd: string }): GatedChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) signalReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ChildExit>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    ready: Promise.race([ready, exited.then(({ stderr: errors }) => Promise.reject(new Error(`${script} exited before it was ready: ${errors}`)))]),
    exited,
    go: () => child.stdin.end('go\n'),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
