import { afterEach, describe, expect, it } from 'vitest';
import { threadId } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { WorkerPool, workerTask } from './pool.ts';
import type * as Tasks from './testing-tasks.ts';

const tasks = new URL('./testing-tasks.ts', import.meta.url);
const add = workerTask<typeof Tasks.add>(tasks, 'add');
const spinForever = workerTask<typeof Tasks.spinForever>(tasks, 'spinForever');
const sleep = workerTask<typeof Tasks.sleep>(tasks, 'sleep');
const refuse = workerTask<typeof Tasks.refuse>(tasks, 'refuse');
const breakDown = workerTask<typeof Tasks.breakDown>(tasks, 'breakDown');
const exhaustMemory = workerTask<typeof Tasks.exhaustMemory>(tasks, 'exhaustMemory');
const whichThread = workerTask<typeof Tasks.whichThread>(tasks, 'whichThread');

const pools: WorkerPool[] = [];
const pool = (...args: ConstructorParameters<typeof WorkerPool>) => {
  const p = new WorkerPool(...args);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const failure = (p: Promise<unknown>) =>
  p.then(
    (v) => {
      throw new Error(`expected a failure, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );

describe('WorkerPool', () => {
  it('runs TypeScript tasks on a worker thread, started on first use and then reused', async () => {
    const p = pool();
    expect(p.stats).toEqual({ workers: 0, running: 0, queued: 0 });
    expect(await p.run(add, [2, 3])).toBe(5);
    const first = await p.run(whichThread, []);
    expect(first).not.toBe(threadId);
    expect(await p.run(whichThread, [])).toBe(first);
    expect(p.stats).toEqual({ workers: 1, running: 0, queued: 0 });
  });

  it('a task that runs past its time limit is terminated, its caller gets the AppError, and the next task runs on a fresh worker', async () => {
    const p = pool({ timeoutMs: 200 });
    const before = await p.run(whichThread, []);
    const tooComplex = () => new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá phức tạp để xác minh', en: 'The file is too complex to verify' });
    const e = await failure(p.run(spinForever, [], { tooComplex }));
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, text: { en: 'The file is too complex to verify' } });
    // Without a task-specific error the pool says the same in general terms.
    expect(await failure(p.run(spinForever, []))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const after = await p.run(whichThread, []);
    expect(after).not.toBe(before);
    expect(await p.run(add, [1, 1])).toBe(2);
    expect(p.stats.workers).toBe(1);
  });

  it("a task that exhausts its worker's memory limit fails as too complex, and the pool goes on", async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 24 }, timeoutMs: 120_000 });
    expect(await failure(p.run(exhaustMemory, []))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await p.run(add, [20, 22])).toBe(42);
  });

  it('only so many tasks may wait: one more is refused at once with SERVICE_UNAVAILABLE (503)', async () => {
    const p = pool({ size: 1, maxQueued: 2, timeoutMs: 120_000 });
    const running = p.run(sleep, [60_000]);
    const waiting = [p.run(sleep, [1]), p.run(sleep, [2])];
    expect(p.stats).toMatchObject({ running: 1, queued: 2 });
    const refused = await failure(p.run(add, [1, 2]));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(p.stats).toMatchObject({ running: 1, queued: 2 });

    // Closing ends the running task and refuses the waiting ones; nothing is left behind.
    const outcomes = Promise.allSettled([running, ...waiting]);
    await p.close();
    for (const o of await outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'SERVICE_UNAVAILABLE' } });
    expect(p.stats).toEqual({ workers: 0, running: 0, queued: 0 });
    expect(await failure(p.run(add, [1, 2]))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('with two workers two tasks run side by side', async () => {
    const p = pool({ size: 2, maxQueued: 0, timeoutMs: 120_000 });
    const a = p.run(sleep, [300]);
    const b = p.run(sleep, [300]);
    expect(p.stats).toMatchObject({ running: 2, queued: 0 });
    expect(await failure(p.run(add, [1, 2]))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await Promise.all([a, b])).toEqual(['slept 300', 'slept 300']);
    expect(p.stats).toMatchObject({ workers: 2, running: 0 });
  });

  it('errors cross the thread boundary: an AppError keeps its class, code, text and details; others keep name, message and code', async () => {
    const p = pool();
    const e = await failure(p.run(refuse, []));
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).toJSON()).toEqual({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Không nhận tệp này',
        messageEn: 'This file is refused',
        details: [{ path: 'file', message: 'Không nhận tệp này', messageEn: 'This file is refused' }],
      },
    });
    expect((e as AppError).status).toBe(415);
    const other = await failure(p.run(breakDown, []));
    expect(other).not.toBeInstanceOf(AppError);
    expect(other).toMatchObject({ name: 'TypeError', message: 'something broke', code: 'E_BROKEN' });
    // A failed task does not cost the worker.
    expect(await p.run(add, [1, 2])).toBe(3);
  });

  it('a missing export is an error, not a hang', async () => {
    const p = pool();
    const e = await failure(p.run(workerTask<() => void>(tasks, 'noSuchTask'), []));
    expect((e as Error).message).toContain('exports no function noSuchTask');
  });
});
