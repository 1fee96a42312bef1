/**
 * Minimal type declarations for `oidc-provider` v9, which ships no types of its own.
 * Only what the VNeID simulator uses is declared; extend as needed. If `@types/oidc-provider`
 * is ever installed, delete this file.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type UnknownObject = Record<string, unknown>;

  /** The Koa context oidc-provider passes to configuration helpers (only what is used here). */
  export interface KoaContextWithOIDC {
    status: number;
    type: string;
    body: unknown;
    host: string;
    href: string;
    req: IncomingMessage;
    res: ServerResponse;
    set(field: string, value: string): void;
    oidc: {
      route?: string;
      client?: ClientModel;
      params?: UnknownObject;
      session?: { accountId?: string };
      [key: string]: unknown;
    };
    [key: string]: unknown;
  }

  export interface InteractionResults {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean; ts?: number };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
    [key: string]: unknown;
  }

  export interface PromptDetail {
    name: string;
    reasons: string[];
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
      [key: string]: unknown;
    };
  }

  export interface Interaction {
    readonly uid: string;
    readonly jti: string;
    returnTo: string;
    prompt: PromptDetail;
    params: UnknownObject & { client_id?: string; scope?: string; login_hint?: string; ui_locales?: string };
    session?: { accountId?: string; uid?: string; cookie?: string };
    grantId?: string;
    lastSubmission?: InteractionResults;
    result?: InteractionResults;
    exp: number;
  }

  export interface Grant {
    readonly jti: string;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string | string[] | Set<string>): void;
    addOIDCClaims(claims: string[] | Set<string>): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface ClientModel {
    readonly clientId: string;
    readonly clientName?: string;
    readonly redirectUris?: string[];
    readonly postLogoutRedirectUris?: string[];
    [key: string]: unknown;
  }

  export interface ClientConstructor {
    find(id: string): Promise<ClientModel | undefined>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: UnknownObject, rejected: string[]): Promise<UnknownObject> | UnknownObject;
  }

  /** Adapter interface (one instance per model name). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface AdapterPayload {
    [key: string]: unknown;
    grantId?: string;
    uid?: string;
    userCode?: string;
    jti?: string;
    consumed?: unknown;
  }

  export type Configuration = UnknownObject;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** Koa `proxy` setting: trust X-Forwarded-* headers. */
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: InteractionResults, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: InteractionResults, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    urlFor(name: string, options?: UnknownObject): string;
    pathFor(name: string, options?: UnknownObject): string;
    cookieName(type: 'session' | 'interaction' | 'resume'): string;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => unknown): this;
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
    readonly Grant: GrantConstructor;
    readonly Client: ClientConstructor;
  }

  export const errors: Record<string, new (...args: any[]) => Error>;
  export const interactionPolicy: { base(): unknown[]; [key: string]: unknown };
  export default Provider;
}
