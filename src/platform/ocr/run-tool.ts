import { spawn } from 'node:child_process';

export interface ToolRun {
  /** Exit code; null when the process was killed (timeout, abort) or ended by a signal. */
  code: number | null;
  stdout: Buffer;
  /** The end of stderr (at most `stderrTail` characters): ocrmypdf -v 1 writes a line per step of every page. */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
}

export interface ToolOptions {
  args?: readonly string[];
  input?: Uint8Array;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each line of stderr as it comes (for progress). */
  onStderrLine?: (line: string) => void;
  /** More stdout than this kills the process: a thumbnail or a text dump is never that large. */
  maxStdout?: number;
  stderrTail?: number;
}

/**
 * Runs an outside program in its own process group, so a timeout or an abort kills it and
 * everything it started (ocrmypdf starts Ghostscript and Tesseract); the event loop only
 * moves bytes. Never throws for the program's failure: the caller reads `code`. Rejects only
 * when the program cannot be started (ENOENT) — the caller turns that into its own error.
 */
export function runTool(cmd: string, opts: ToolOptions = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, opts.args ?? [], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let partial = '';
    const tail = opts.stderrTail ?? 16_000;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone: nothing left to kill
      }
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout!.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (opts.maxStdout !== undefined && outBytes > opts.maxStdout) return killGroup();
      out.push(b);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      err = (err + s).slice(-tail);
      if (!opts.onStderrLine) return;
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onStderrLine(l);
    });
    child.on('error', (e) => {
      done();
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    child.on('close', (code) => {
      done();
      if (partial && opts.onStderrLine) opts.onStderrLine(partial);
      if (settled) return;
      settled = true;
      resolve({ code, stdout: Buffer.concat(out), stderr: err, timedOut, aborted });
    });
    if (opts.input && child.stdin) {
      // A program that exits before reading all its input closes the pipe: its exit code says why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
  });
}
