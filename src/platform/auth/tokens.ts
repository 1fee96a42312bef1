import { SignJWT, jwtVerify } from 'jose';
import type { Principal } from './roles.ts';

export const ACCESS_TOKEN_TTL = 3600;

/**
 * Bearer tokens are short-lived signed JWTs carrying the principal, so API calls need no
 * session lookup and any node can check them.
 */
export class TokenService {
  private key: Uint8Array;
  constructor(
    secret: string,
    private issuer: string,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(p: Principal, ttl = ACCESS_TOKEN_TTL): Promise<string> {
    const sub = p.kind === 'service' ? p.clientId : p.id;
    return new SignJWT({ p })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`${p.kind}:${sub}`)
      .setIssuer(this.issuer)
      .setAudience('congso-api')
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.issuer, audience: 'congso-api', algorithms: ['HS256'] });
      const p = (payload as { p?: Principal }).p ?? null;
      // When an official's token was issued, so that one issued before their credentials were
      // reset or changed is refused (currentPrincipal).
      return p?.kind === 'staff' && typeof payload.iat === 'number' ? { ...p, issuedAt: payload.iat } : p;
    } catch {
      // Expired, forged or malformed tokens are all simply "not signed in".
      return null;
    }
  }
}
