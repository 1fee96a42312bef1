import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { TaskMessage, WorkerReply } from './protocol.ts';
import { serializeError } from './protocol.ts';

/**
 * The entry of every pool worker: it runs one task at a time, each an exported function of
 * a module named by the pool (never by a request). The module is loaded before the pool is
 * told the task started, so its time limit measures the task, not the first import.
 */
if (!parentPort) throw new Error('src/platform/workers/worker.ts runs only inside a WorkerPool');
const port = parentPort;

port.on('message', async (task: TaskMessage) => {
  const reply = (m: WorkerReply) => port.postMessage(m);
  try {
    const mod = (await import(task.module.startsWith('file:') ? task.module : pathToFileURL(task.module).href)) as Record<string, unknown>;
    const fn = mod[task.name];
    if (typeof fn !== 'function') throw new Error(`${task.module} exports no function ${task.name}`);
    reply({ id: task.id, type: 'started' });
    reply({ id: task.id, type: 'done', value: await fn(...task.args) });
  } catch (e) {
    reply({ id: task.id, type: 'failed', error: serializeError(e) });
  }
});
