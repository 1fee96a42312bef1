import { describe, expect, it } from 'vitest';
import { batchLookup } from './batch.ts';

describe('batchLookup', () => {
  it('answers concurrent lookups with one fetch, each caller its own row', async () => {
    const calls: string[][] = [];
    const find = batchLookup(async (keys: string[]) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `row ${k}`]));
    });
    const got = await Promise.all(['a', 'b', 'a', 'missing', 'c'].map((k) => find(k)));
    expect(got).toEqual(['row a', 'row b', 'row a', undefined, 'row c']);
    expect(calls).toEqual([['a', 'b', 'missing', 'c']]);
    expect(await find('d')).toBe('row d');
    expect(calls).toHaveLength(2);
  });

  it('splits big batches and fails every caller of a failed fetch, not the next ones', async () => {
    let n = 0;
    const find = batchLookup(async (keys: number[]) => {
      n++;
      if (keys.includes(13)) throw new Error('database down');
      return new Map(keys.map((k) => [k, k * 2]));
    }, 10);
    const results = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => find(i)));
    expect(n).toBe(3);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 0 });
    expect(await find(21)).toBe(42);
  });
});
