/**
 * Coalesces concurrent point lookups into one query: keys asked for in the same turn of the
 * event loop are fetched together (`where key = any($1)`), and each caller gets its own row.
 * Under load a hot read path then makes one database round trip for many requests instead of
 * one each; alone, a request waits only for the current turn to end. Nothing is cached.
 */
export function batchLookup<K, V>(fetch: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 200): (key: K) => Promise<V | undefined> {
  let pending: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  const run = async (batch: typeof pending) => {
    try {
      const found = await fetch([...new Set(batch.map((b) => b.key))]);
      for (const b of batch) b.resolve(found.get(b.key));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  };
  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (pending.length === 1) {
        setImmediate(() => {
          const batch = pending;
          pending = [];
          for (let i = 0; i < batch.length; i += maxBatch) void run(batch.slice(i, i + maxBatch));
        });
      }
    });
}
