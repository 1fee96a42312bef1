import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * In-memory storage for the simulator's provider state (sessions, interactions, codes, tokens,
 * grants). Behaves like oidc-provider's built-in development adapter, but each simulator gets
 * its own store, there is no LRU cap (a demo under load does not lose sessions) and passing it
 * explicitly keeps oidc-provider from printing its "development-only adapter" warning.
 * Expired entries are dropped lazily; no timers are left running.
 */

interface Entry {
  value: unknown;
  /** epoch ms; Infinity = no expiry */
  expiresAt: number;
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

const SWEEP_EVERY = 500;

class ExpiringStore {
  #map = new Map<string, Entry>();
  #writes = 0;

  get(key: string): unknown {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  expiresAt(key: string): number | undefined {
    return this.#map.get(key)?.expiresAt;
  }

  set(key: string, value: unknown, expiresAt: number): void {
    this.#map.set(key, { value, expiresAt });
    if (++this.#writes % SWEEP_EVERY === 0) this.sweep();
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#map) if (entry.expiresAt <= now) this.#map.delete(key);
  }
}

const epochSeconds = () => Math.floor(Date.now() / 1000);
const expiry = (expiresIn: number | undefined) => (typeof expiresIn === 'number' && Number.isFinite(expiresIn) ? Date.now() + expiresIn * 1000 : Infinity);

/** Returns an adapter factory (`configuration.adapter`) backed by a fresh in-memory store. */
export function createMemoryAdapter(): (model: string) => Adapter {
  const store = new ExpiringStore();

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;

    return {
      async upsert(id, payload, expiresIn) {
        const at = expiry(expiresIn);
        store.set(key(id), payload, at);

        if (model === 'Session' && typeof payload.uid === 'string') {
          store.set(`sessionUid:${payload.uid}`, id, at);
        }
        if (typeof payload.userCode === 'string') {
          store.set(`userCode:${payload.userCode}`, id, at);
        }
        if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
          const grantKey = `grant:${payload.grantId}`;
          const members = (store.get(grantKey) as string[] | undefined) ?? [];
          members.push(key(id));
          store.set(grantKey, members, Math.max(at, store.expiresAt(grantKey) ?? 0));
        }
      },

      async find(id) {
        return store.get(key(id)) as AdapterPayload | undefined;
      },

      async findByUid(uid) {
        const id = store.get(`sessionUid:${uid}`);
        return typeof id === 'string' ? (store.get(key(id)) as AdapterPayload | undefined) : undefined;
      },

      async findByUserCode(userCode) {
        const id = store.get(`userCode:${userCode}`);
        return typeof id === 'string' ? (store.get(key(id)) as AdapterPayload | undefined) : undefined;
      },

      async consume(id) {
        const payload = store.get(key(id)) as AdapterPayload | undefined;
        if (payload) payload.consumed = epochSeconds();
      },

      async destroy(id) {
        store.delete(key(id));
      },

      async revokeByGrantId(grantId) {
        const grantKey = `grant:${grantId}`;
        const members = store.get(grantKey) as string[] | undefined;
        for (const member of members ?? []) store.delete(member);
        store.delete(grantKey);
      },
    };
  };
}
