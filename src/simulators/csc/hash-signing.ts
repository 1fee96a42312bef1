/**
 * Signing a hash that was computed elsewhere, as a remote signing service does for
 * `signatures/signHash`: the service only ever sees the digest, never the document.
 *
 * WebCrypto cannot do this (its `sign` always hashes its input), so the simulator's keys,
 * though created and held as WebCrypto `CryptoKey`s, sign hashes here:
 * - RSA: RSASSA-PKCS1-v1_5 is a private-key operation on EMSA-PKCS1-v1_5(DigestInfo), which
 *   is exactly OpenSSL's `RSA_private_encrypt` with PKCS#1 padding over the DigestInfo.
 * - ECDSA P-256: computed here on the curve (BigInt, Jacobian coordinates) with a fresh
 *   random nonce. This is simulator code: not constant time, never for real keys.
 * Both results verify with WebCrypto over the original data (the unit tests check it).
 */
import { KeyObject, constants, privateEncrypt, randomBytes } from 'node:crypto';

/** DER prefix of DigestInfo { AlgorithmIdentifier sha256 NULL, OCTET STRING (32) }. */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export function rsaSignSha256Hash(key: CryptoKey, hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error('expected a SHA-256 hash');
  const keyObject = KeyObject.from(key);
  const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, hash]);
  return new Uint8Array(privateEncrypt({ key: keyObject, padding: constants.RSA_PKCS1_PADDING }, digestInfo));
}

// --- P-256 (FIPS 186-4 D.1.2.3) ---------------------------------------------------------

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

type Jacobian = [bigint, bigint, bigint]; // Z = 0: the point at infinity

const mod = (a: bigint, m: bigint) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(s0, m);
}

/** Doubling for a = -3 (dbl-2001-b). */
function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const delta = mod(z * z, P);
  const gamma = mod(y * y, P);
  const beta = mod(x * gamma, P);
  const alpha = mod(3n * (x - delta) * (x + delta), P);
  const x3 = mod(alpha * alpha - 8n * beta, P);
  const z3 = mod((y + z) * (y + z) - gamma - delta, P);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P);
  return [x3, y3, z3];
}

/** General addition (add-2007-bl). */
function add(p1: Jacobian, p2: Jacobian): Jacobian {
  const [x1, y1, z1] = p1;
  const [x2, y2, z2] = p2;
  if (z1 === 0n) return p2;
  if (z2 === 0n) return p1;
  const z1z1 = mod(z1 * z1, P);
  const z2z2 = mod(z2 * z2, P);
  const u1 = mod(x1 * z2z2, P);
  const u2 = mod(x2 * z1z1, P);
  const s1 = mod(y1 * z2 * z2z2, P);
  const s2 = mod(y2 * z1 * z1z1, P);
  const h = mod(u2 - u1, P);
  const rr = mod(2n * (s2 - s1), P);
  if (h === 0n) return rr === 0n ? double(p1) : [0n, 1n, 0n];
  const i = mod(4n * h * h, P);
  const j = mod(h * i, P);
  const v = mod(u1 * i, P);
  const x3 = mod(rr * rr - j - 2n * v, P);
  const y3 = mod(rr * (v - x3) - 2n * s1 * j, P);
  const z3 = mod(((z1 + z2) * (z1 + z2) - z1z1 - z2z2) * h, P);
  return [x3, y3, z3];
}

function multiplyG(k: bigint): bigint {
  let acc: Jacobian = [0n, 1n, 0n];
  let base: Jacobian = [GX, GY, 1n];
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) acc = add(acc, base);
    base = double(base);
  }
  if (acc[2] === 0n) throw new Error('point at infinity');
  const zi = inverse(acc[2], P);
  return mod(acc[0] * zi * zi, P); // affine x
}

const toBigInt = (b: Uint8Array) => (b.length ? BigInt(`0x${Buffer.from(b).toString('hex')}`) : 0n);
const to32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');

/** ECDSA P-256 over a given SHA-256 hash; returns r‖s (64 bytes), as WebCrypto does. */
export function ecdsaP256SignHash(key: CryptoKey, hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error('expected a SHA-256 hash');
  const jwk = KeyObject.from(key).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.d) throw new Error('expected a P-256 private key');
  const d = toBigInt(Buffer.from(jwk.d, 'base64url'));
  const z = toBigInt(hash); // 256-bit hash, 256-bit order: no truncation
  for (;;) {
    const k = mod(toBigInt(randomBytes(40)), N - 1n) + 1n;
    const r = mod(multiplyG(k), N);
    if (r === 0n) continue;
    const s = mod(inverse(k, N) * (z + r * d), N);
    if (s === 0n) continue;
    return new Uint8Array(Buffer.concat([to32(r), to32(s)]));
  }
}
