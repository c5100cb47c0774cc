import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { Schemas } from '../api/client.tsx';

type Credential = Schemas['WebAuthnCredential'];

/** Whether this browser can use passkeys at all (the buttons stay hidden otherwise). */
export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

/** Runs `navigator.credentials.create` with the server's options; the answer goes back to the server as is. */
export async function createPasskey(options: Schemas['WebAuthnOptions']): Promise<Credential> {
  const answer = await startRegistration({
    optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
  });
  return answer as unknown as Credential;
}

/** Runs `navigator.credentials.get` (a discoverable passkey when the options list none). */
export async function getPasskey(options: Schemas['WebAuthnOptions']): Promise<Credential> {
  const answer = await startAuthentication({
    optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
  });
  return answer as unknown as Credential;
}
