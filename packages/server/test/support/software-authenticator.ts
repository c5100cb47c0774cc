import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Passkey } from '@shoebox/shared';
import { PASSWORD, type TestClient } from './api.ts';

/**
 * A software WebAuthn authenticator for server tests: real ES256 keys, real authenticator data and signatures, so
 * the server's verification (@simplewebauthn/server) runs for real. It keeps discoverable credentials like a
 * platform authenticator and can be told to misbehave (replayed counter, other origin, no user verification).
 */

type Cbor = number | string | Uint8Array | Map<number | string, unknown> | { [key: string]: unknown };

/** Minimal CBOR encoder (RFC 8949): unsigned/negative ints, byte and text strings, maps. */
function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v as Cbor)])]);
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

export interface StoredCredential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface AuthenticatorBehaviour {
  userVerified?: boolean;
  backupEligible?: boolean;
  backedUp?: boolean;
}

export class SoftwareAuthenticator {
  readonly credentials: StoredCredential[] = [];

  constructor(
    readonly origin: string,
    readonly behaviour: AuthenticatorBehaviour = { userVerified: true },
  ) {}

  private flags(extra: number): number {
    const b = this.behaviour;
    return (
      0x01 | (b.userVerified ? 0x04 : 0) | (b.backupEligible ? 0x08 : 0) | (b.backedUp ? 0x10 : 0) | extra
    );
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create: answers creation options (JSON form) with a `none` attestation. */
  create(options: Record<string, unknown>) {
    const rp = options['rp'] as { id: string };
    const user = options['user'] as { id: string };
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, unknown>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x ?? '', 'base64url')],
      [-3, Buffer.from(jwk.y ?? '', 'base64url')],
    ]);
    const id = randomBytes(32);
    const credential: StoredCredential = {
      id,
      privateKey,
      publicKey,
      rpId: rp.id,
      userHandle: user.id,
      counter: 0,
    };
    this.credentials.push(credential);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(rp.id),
      Buffer.from([this.flags(0x40)]),
      Buffer.alloc(4), // counter 0
      Buffer.alloc(16), // aaguid
      idLength,
      id,
      cbor(cose),
    ]);
    const attestationObject = cbor({ fmt: 'none', attStmt: {}, authData });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options['challenge'] as string)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /**
   * navigator.credentials.get: signs with the first stored credential allowed by the options (any of this RP when
   * none are listed: a discoverable credential). `counter` overrides the next signature counter (replay tests).
   */
  get(options: Record<string, unknown>, override: { counter?: number; origin?: string } = {}) {
    const rpId = options['rpId'] as string;
    const allowed = ((options['allowCredentials'] as { id: string }[] | undefined) ?? []).map((c) => c.id);
    const credential = this.credentials.find(
      (c) => c.rpId === rpId && (allowed.length === 0 || allowed.includes(b64url(c.id))),
    );
    if (!credential) throw new Error('no credential for this relying party');
    credential.counter = override.counter ?? credential.counter + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(0)]), counter]);
    const clientData = this.clientData('webauthn.get', options['challenge'] as string, override.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** Adds a passkey to the account of `client` (a trusted device) through the API; throws when refused. */
export async function addPasskey(
  client: TestClient,
  authenticator: SoftwareAuthenticator,
  name: string,
): Promise<Passkey> {
  const options = await client.post<Record<string, unknown>>('/api/account/passkeys/options', {
    password: PASSWORD,
  });
  if (options.status !== 200) throw new Error(`passkey options: ${options.status}`);
  // A set-up step: other sessions of the account stay signed in (tests of that ask for it themselves).
  const added = await client.post<Passkey>('/api/account/passkeys', {
    name,
    credential: authenticator.create(options.body),
    signOutOtherSessions: false,
  });
  if (added.status !== 200) throw new Error(`add passkey: ${added.status} ${JSON.stringify(added.body)}`);
  return added.body;
}
