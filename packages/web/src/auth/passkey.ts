import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { ApiError, type Schemas } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import type { Translator } from '../i18n/translate.ts';

type Credential = Schemas['WebAuthnCredential'];

/** Whether this browser can use passkeys at all (the buttons stay hidden otherwise). */
export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

/**
 * Whether `hostname` is an IP address (v4, or v6 as `location.hostname` writes it, in brackets). WebAuthn ties a
 * passkey to a domain name and refuses an address outright (`localhost` is a name, and allowed).
 */
export function isIpAddress(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[') || hostname.includes(':');
}

/** Whether this page was opened at an IP address, where no passkey can be made or used. */
export const openedByAddress = (): boolean => isIpAddress(globalThis.location.hostname);

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

/**
 * A failed passkey step in words: the server's refusals as any call's, and the browser's own WebAuthn errors
 * (whose messages are written for developers, e.g. "127.0.0.1 is an invalid domain") as a sentence for people.
 */
export function passkeyFailureText(reader: Pick<Translator, 't' | 'locale'>, err: unknown): string {
  const { t } = reader;
  if (err instanceof ApiError || !(err instanceof Error)) return failureText(reader, err);
  switch (err instanceof WebAuthnError ? err.code : err.name) {
    case 'ERROR_INVALID_DOMAIN':
      return t('auth.passkey.ipAddress');
    case 'ERROR_INVALID_RP_ID':
    case 'SecurityError':
      return openedByAddress() ? t('auth.passkey.ipAddress') : t('auth.passkey.wrongAddress');
    // Closed, timed out, or no passkey of this account on the device: browsers do not say which.
    case 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY':
    case 'ERROR_CEREMONY_ABORTED':
    case 'NotAllowedError':
    case 'AbortError':
      return t('auth.passkey.cancelled');
    case 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED':
    case 'InvalidStateError':
      return t('auth.passkey.alreadyAdded');
    case 'ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG':
    case 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT':
    case 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT':
    case 'NotSupportedError':
      return t('auth.passkey.unsuitable');
    default:
      return t('auth.passkey.failed');
  }
}
