// The program's credential signing key and the VC-JWT proof of Open Badges 3.0 (section 8.2
// of the spec; VCDM 1.1 JWT encoding: the credential in the `vc` claim with iss, jti, sub,
// nbf and exp). RS256 because it is the algorithm the OB 3.0 JWT proof requires every
// verifier to support, so LinkedIn, Credly and wallets can check it. The RSA key is made once,
// kept in server_secrets (every instance signs with the same key), and its public half is
// published as a JWKS at /.well-known/jwks.json; the JWT header carries the kid and the jwk.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { calculateJwkThumbprint, exportJWK, jwtVerify, SignJWT, createLocalJWKSet, type JWK, type JSONWebKeySet } from 'jose';
import type { Database } from '../store/schema.js';
import { getOrCreateSecret } from '../store/secrets.js';
import type { AchievementCredential } from './open-badges.js';

export const ISSUER_KEY_SECRET = 'openbadges.issuer.rsa';
const ALGORITHM = 'RS256';

export interface IssuerKey {
  privateKey: KeyObject;
  publicJwk: JWK & { kid: string; alg: string; use: string };
}

function generatePem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export async function issuerKey(db: Kysely<Database>): Promise<IssuerKey> {
  const pem = await getOrCreateSecret(db, ISSUER_KEY_SECRET, generatePem);
  const privateKey = createPrivateKey(pem);
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicJwk: { ...jwk, kid, alg: ALGORITHM, use: 'sig' } };
}

export async function issuerJwks(db: Kysely<Database>): Promise<JSONWebKeySet> {
  return { keys: [(await issuerKey(db)).publicJwk] };
}

/** The credential as a compact VC-JWT signed with the issuer key. */
export async function signCredential(db: Kysely<Database>, credential: AchievementCredential): Promise<string> {
  const key = await issuerKey(db);
  const { kid, alg: _alg, use: _use, ...jwk } = key.publicJwk;
  const jwt = new SignJWT({ vc: credential })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid, jwk })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(new Date(credential.issuanceDate))
    .setIssuedAt(new Date(credential.issuanceDate));
  if ('expirationDate' in credential && credential.expirationDate) jwt.setExpirationTime(new Date(credential.expirationDate));
  return jwt.sign(key.privateKey);
}

/** Checks a VC-JWT against a published key set (what a verifier does with /.well-known/jwks.json). */
export async function verifyCredential(jwt: string, jwks: JSONWebKeySet, options: { issuer: string; currentDate?: Date }) {
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: options.issuer, algorithms: [ALGORITHM], currentDate: options.currentDate });
  return { credential: payload.vc as AchievementCredential, header: protectedHeader, payload };
}
