import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordCall } from '../../../platform/outbox/index.ts';
import { axisClient } from './axis-client.ts';
import { receiveEdxml } from './receive-edxml.ts';
import { EDXML_ADAPTER } from './send.ts';

/** Messages taken in one poll; the rest wait for the next. */
const PER_POLL = 100;

export interface PollRun {
  received: number;
  refused: number;
  failed: number;
}

/**
 * Takes what waits for us on the axis: each message fetched, received (receiveEdxml) and then
 * acknowledged, so a node that dies between the two leaves it listed and the next poll receives
 * it again, which receiveEdxml answers as the first time. A message we refuse (invalid,
 * misaddressed, about a document we do not hold) is acknowledged as failed with why; one that
 * failed on our side (database, blob store) is left for the next poll. Runs from the poll job
 * (exchange-adapter.ts), one node at a time; tests call it to poll at once.
 */
export async function pollAxis(ctx: Ctx): Promise<PollRun> {
  const run: PollRun = { received: 0, refused: 0, failed: 0 };
  const client = axisClient(ctx);
  if (!client) return run;
  const t0 = Date.now();
  const list = await client.listReceived();
  if (!list.ok) {
    await recordCall(ctx, EDXML_ADAPTER, { ok: false, error: list.error, ms: Date.now() - t0 });
    return run;
  }
  for (const item of list.value.slice(0, PER_POLL)) {
    const got = await client.get(item.docId);
    if (!got.ok) {
      run.failed++;
      ctx.log.warn({ docId: item.docId, error: got.error }, 'edxml: could not fetch a message from the axis');
      continue;
    }
    let outcome: 'done' | 'fail' = 'done';
    let why: string | undefined;
    try {
      await receiveEdxml(ctx, got.value, 'axis');
      run.received++;
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) {
        run.failed++;
        ctx.log.error({ err: e, docId: item.docId }, 'edxml: receiving a message failed; the next poll tries again');
        continue;
      }
      outcome = 'fail';
      why = `${e.code}: ${e.text.en}`;
      run.refused++;
      ctx.log.warn({ docId: item.docId, code: e.code, reason: e.text.en }, 'edxml: message from the axis refused');
    }
    const ack = await client.acknowledge(item.docId, outcome, why);
    if (!ack.ok) ctx.log.warn({ docId: item.docId, error: ack.error }, 'edxml: acknowledgement not taken; the message comes again and is recognised');
  }
  await recordCall(ctx, EDXML_ADAPTER, {
    ok: run.failed === 0,
    error: run.failed ? `${run.failed} message(s) could not be taken` : undefined,
    ms: Date.now() - t0,
  });
  return run;
}
