import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { deserializeError, type TaskMessage, type WorkerReply } from './protocol.ts';

/**
 * CPU-heavy work (parsing and checking files anyone may send) runs here, on worker threads,
 * so the event loop keeps answering everyone else. Each task has a time limit, after which
 * its worker is terminated and replaced; each worker has a memory limit; and only so many
 * tasks may wait, so a crowd of anonymous callers gets 503 instead of a growing backlog.
 */

type AnyFn = (...args: never[]) => unknown;

/** A function a worker can run: an export of a module, named by code (never by a request). */
export interface WorkerTask<F extends AnyFn> {
  readonly module: string;
  readonly name: string;
  /** Carries the function's type only. */
  readonly fn?: F;
}

/** `workerTask<typeof fn>(new URL('./file.ts', import.meta.url), 'fn')`: arguments and result must be cloneable data. */
export function workerTask<F extends AnyFn>(module: URL | string, name: string): WorkerTask<F> {
  return { module: String(module), name };
}

export interface WorkerPoolOptions {
  /** Worker threads; one by default, leaving the other core to the event loop and the database. */
  size?: number;
  /** Tasks that may wait for a worker; one more is refused with 503 (SERVICE_UNAVAILABLE, Retry-After). */
  maxQueued?: number;
  /** Default time limit of a task, from when it starts running (not while it waits). */
  timeoutMs?: number;
  /** Bound on loading a task's module in a fresh worker (TypeScript is compiled on the way). */
  loadTimeoutMs?: number;
  resourceLimits?: ResourceLimits;
}

export interface RunOptions {
  timeoutMs?: number;
  /** The error for a task that ran out of time or memory; its input is what was too much. */
  tooComplex?: () => AppError;
}

interface Job {
  msg: TaskMessage;
  opts: RunOptions;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  /** Set when the pool ends this worker on purpose, so its exit is not reported as a crash. */
  retired?: boolean;
  crash?: Error;
}

const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };
const ENTRY = new URL('./worker.ts', import.meta.url);
// Workers load TypeScript the way the app does (`node --import tsx`, also under Vitest):
// the loader is given explicitly, since a worker does not inherit the parent's hooks.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const busy = () =>
  new AppError('SERVICE_UNAVAILABLE', {
    vi: 'Máy chủ đang bận xử lý các yêu cầu khác, vui lòng thử lại sau ít phút',
    en: 'The server is busy with other requests; try again shortly',
  });
const closed = () => new AppError('SERVICE_UNAVAILABLE', { vi: 'Máy chủ đang dừng, vui lòng thử lại sau', en: 'The server is shutting down; try again later' });
const defaultTooComplex = () =>
  new AppError('PAYLOAD_TOO_LARGE', {
    vi: 'Dữ liệu gửi lên cần quá nhiều thời gian hoặc bộ nhớ để xử lý',
    en: 'The input takes too much time or memory to process',
  });

export class WorkerPool {
  readonly size: number;
  readonly maxQueued: number;
  readonly timeoutMs: number;
  readonly loadTimeoutMs: number;
  readonly resourceLimits: ResourceLimits;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closing = false;
  private readonly exits = new Set<Promise<unknown>>();

  constructor(opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 1);
    this.maxQueued = Math.max(0, opts.maxQueued ?? 8);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? 60_000;
    this.resourceLimits = { ...DEFAULT_LIMITS, ...opts.resourceLimits };
  }

  /** Runs the task on a worker; workers start on first use and are reused. */
  run<F extends AnyFn>(task: WorkerTask<F>, args: Parameters<F>, opts: RunOptions = {}): Promise<Awaited<ReturnType<F>>> {
    if (this.closing) return Promise.reject(closed());
    const idle = [...this.slots].some((s) => !s.job) || this.slots.size < this.size;
    if (!idle && this.queue.length >= this.maxQueued) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      this.queue.push({ msg: { id: this.nextId++, module: task.module, name: task.name, args }, opts, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Running and waiting tasks, and live workers: for metrics and tests. */
  get stats() {
    const slots = [...this.slots];
    return { workers: slots.length, running: slots.filter((s) => s.job).length, queued: this.queue.length };
  }

  /** Refuses waiting tasks, ends running ones and stops every worker. */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0)) job.reject(closed());
    for (const slot of this.slots) this.retire(slot, closed());
    await Promise.all([...this.exits]);
  }

  private dispatch() {
    while (this.queue.length && !this.closing) {
      let slot = [...this.slots].find((s) => !s.job);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(
        () => this.retire(slot, new Error(`a worker thread did not load ${job.msg.module} within ${this.loadTimeoutMs} ms`)),
        this.loadTimeoutMs,
      );
      slot.worker.postMessage(job.msg);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, { execArgv: ['--import', TSX], resourceLimits: this.resourceLimits });
    const slot: Slot = { worker };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (m: WorkerReply) => this.onReply(slot, m));
    worker.on('error', (e: unknown) => {
      slot.crash = e instanceof Error ? e : new Error(String(e));
    });
    let exited!: () => void;
    const exit = new Promise<void>((r) => (exited = r));
    this.exits.add(exit);
    worker.on('exit', (code) => {
      this.exits.delete(exit);
      exited();
      this.onExit(slot, code);
    });
    return slot;
  }

  private onReply(slot: Slot, m: WorkerReply) {
    const job = slot.job;
    if (!job || job.msg.id !== m.id || slot.retired) return;
    if (m.type === 'started') {
      clearTimeout(slot.timer);
      slot.timer = setTimeout(() => this.retire(slot, (job.opts.tooComplex ?? defaultTooComplex)(), { replace: true }), job.opts.timeoutMs ?? this.timeoutMs);
      return;
    }
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    if (m.type === 'done') job.resolve(m.value);
    else job.reject(deserializeError(m.error));
    this.dispatch();
  }

  /**
   * Ends a worker on purpose (time limit, shutdown): its task fails with `why`. After a time
   * limit a fresh worker starts at once, so the next caller does not wait for its start.
   */
  private retire(slot: Slot, why: Error, opts: { replace?: boolean } = {}) {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    slot.job?.reject(why);
    slot.job = undefined;
    void slot.worker.terminate();
    if (this.closing) return;
    if (opts.replace && !this.queue.length && this.slots.size < this.size) this.spawn();
    this.dispatch();
  }

  /** A worker that died by itself (out of memory, a crash): its task fails, the next task gets a fresh worker. */
  private onExit(slot: Slot, code: number) {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    const job = slot.job;
    if (job) {
      const oom = (slot.crash as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      job.reject(oom ? (job.opts.tooComplex ?? defaultTooComplex)() : (slot.crash ?? new Error(`worker thread exited with code ${code}`)));
    }
    if (!this.closing) this.dispatch();
  }
}
