import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { isConnectionError } from './index.ts';
import { judgeReplica, LagTracker } from './replica.ts';

describe('DATABASE_REPLICA_URL', () => {
  it('is refused without DATABASE_URL: the embedded database has no replica', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-replica-config-'));
    try {
      let refused: unknown;
      try {
        loadConfig({ DATA_DIR: dir, DATABASE_REPLICA_URL: 'postgresql://replica/congso' });
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('CONFIG_INVALID');
      expect((refused as AppError).message).toContain('DATABASE_REPLICA_URL');
      const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgresql://primary/congso', DATABASE_REPLICA_URL: 'postgresql://replica/congso' });
      expect(config.databaseReplica).toEqual({ url: 'postgresql://replica/congso', maxLagSeconds: 10 });
      expect(loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgresql://primary/congso' }).databaseReplica).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('judgeReplica', () => {
  it('serves reads from a standby within the lag allowed', () => {
    expect(judgeReplica({ reachable: true, inRecovery: true, lagSeconds: 0 }, 10)).toBe('ok');
    expect(judgeReplica({ reachable: true, inRecovery: true, lagSeconds: 10 }, 10)).toBe('ok');
  });
  it('skips a standby too far behind, one unreachable, one promoted, and one not checked yet', () => {
    expect(judgeReplica({ reachable: true, inRecovery: true, lagSeconds: 10.5 }, 10)).toBe('lag');
    expect(judgeReplica({ reachable: false }, 10)).toBe('unreachable');
    expect(judgeReplica({ reachable: true, inRecovery: false, lagSeconds: 0 }, 10)).toBe('promoted');
    expect(judgeReplica(undefined, 10)).toBe('unknown');
  });
});

describe('LagTracker', () => {
  it('counts an idle primary as no lag, however long ago the last write was', () => {
    const t = new LagTracker();
    t.primaryAt(1_000, 500);
    expect(t.replicaAt(1_100, 500)).toBe(0);
    t.primaryAt(60_000, 500);
    expect(t.replicaAt(60_100, 500)).toBe(0);
  });
  it('measures the age of the oldest write the replica has not replayed', () => {
    const t = new LagTracker();
    t.primaryAt(1_000, 100);
    expect(t.replicaAt(1_010, 100)).toBe(0);
    t.primaryAt(2_000, 200);
    t.primaryAt(3_000, 300);
    // Replay stopped at 100 (paused, or the WAL receiver lost the primary): behind since 2 s.
    expect(t.replicaAt(5_000, 100)).toBe(3);
    // Caught up to 200: what it lacks appeared at 3 s.
    expect(t.replicaAt(5_000, 250)).toBe(2);
    expect(t.replicaAt(5_000, 300)).toBe(0);
  });
  it('keeps the oldest unreplayed position when it records many', () => {
    const t = new LagTracker();
    for (let i = 1; i <= 5000; i++) t.primaryAt(i * 1000, i);
    expect(t.replicaAt(5_000_000, 0)).toBe(4999);
  });
  it('forgets what it recorded when the primary could not be asked', () => {
    const t = new LagTracker();
    t.primaryAt(1_000, 100);
    t.reset();
    expect(t.replicaAt(9_000, 0)).toBe(0);
  });
});

describe('isConnectionError', () => {
  it('tells a server gone from a query gone wrong', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});
