import { threadId } from 'node:worker_threads';
import { AppError } from '../errors.ts';

/** Tasks for the pool's own tests: they run inside a worker thread. */

export function add(a: number, b: number): number {
  return a + b;
}

/** Never returns: only the pool's time limit can stop it. */
export function spinForever(): never {
  for (;;) {
    // Busy on purpose: a task stuck in CPU work, the case the time limit exists for.
  }
}

/** Waits for the given time without blocking the worker's event loop (to fill the pool). */
export async function sleep(ms: number): Promise<string> {
  await new Promise((r) => setTimeout(r, ms));
  return `slept ${ms}`;
}

export function refuse(): never {
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Không nhận tệp này', en: 'This file is refused' }, [
    { path: 'file', message: 'Không nhận tệp này', messageEn: 'This file is refused' },
  ]);
}

export function breakDown(): never {
  throw Object.assign(new TypeError('something broke'), { code: 'E_BROKEN' });
}

/** Keeps allocating until the worker's heap limit ends it. */
export function exhaustMemory(): number {
  const hoard: string[][] = [];
  for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `entry ${i} of ${hoard.length}`));
}

/** Which thread ran the task: a replaced worker has a new id. */
export function whichThread(): number {
  return threadId;
}

/** Blocks its worker until the test stores a non-zero value in `gate[0]`: a task that runs exactly as long as the test wants. */
export function waitForGate(gate: SharedArrayBuffer): string {
  Atomics.wait(new Int32Array(gate), 0, 0);
  return 'released';
}
