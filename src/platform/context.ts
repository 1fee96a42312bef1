import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/index.ts';
import type { Jobs } from './jobs/index.ts';
import type { TokenService } from './auth/tokens.ts';
import type { SessionStore } from './auth/sessions.ts';

/** What every operation may use. Built once in main.ts (or by a test) and passed down. */
export interface Ctx {
  config: Config;
  database: Database;
  jobs: Jobs;
  tokens: TokenService;
  sessions: SessionStore;
  log: Logger;
}
