// The closed set of audited actions and the body each one carries. Bodies are JSON data only
// (null, not undefined, for "unknown"): they are committed to as RFC 8785 canonical JSON.

/** Where an address was placed, as the server's geo lookup said at the time (see shared Place). */
export type AuditPlace = {
  label: string;
  city: string | null;
  region: string | null;
  country: string | null;
  countryCode: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracyKm: number | null;
};

type Ip = string | null;
type From = { ip: Ip; place: AuditPlace | null };
/** Which device and session did it; null when the server did it on its own (expiry, housekeeping). */
type Actor = { deviceId: string | null; sessionId: string | null };
/** What a passkey's authenticator data said: user verified (PIN, biometrics), may be synced, is synced. */
export type PasskeyFlags = { userVerified: boolean; backupEligible: boolean; backedUp: boolean };

export type AuditBodies = {
  /** riskFlags: the risk signals the sign-in raised (trust/risk.ts). claimedDeviceId: the trusted device whose
   * installation id the sign-in gave without its credential (it became a new device, deviceId, instead). */
  'sign-in.succeeded': From & {
    deviceId: string;
    sessionId: string;
    factors: string[];
    riskFlags: string[];
    claimedDeviceId?: string;
  };
  /** factors: the factor types presented; failedFactor: the one that was refused. */
  'sign-in.failed': From & {
    deviceId: string | null;
    factors: string[];
    failedFactor: string;
    reason: string;
  };
  'enrolment.requested': From & { enrolmentId: string; deviceId: string; deviceName: string };
  'enrolment.approved': Actor & {
    enrolmentId: string;
    enrolledDeviceId: string;
    factor: string;
    ip: Ip;
    passkey?: PasskeyFlags;
  };
  'enrolment.denied': Actor & { enrolmentId: string; enrolledDeviceId: string; ip: Ip };
  'enrolment.expired': { enrolmentId: string; enrolledDeviceId: string };
  'enrolment.failed': { enrolmentId: string; enrolledDeviceId: string; reason: string; ip: Ip };
  'device.removed': Actor & { removedDeviceId: string; ip: Ip };
  /** A device trusted before device credentials existed was given one (POST /api/devices/me/credential). */
  'device.credential-issued': Actor & { ip: Ip };
  'session.started': From & { sessionId: string; deviceId: string; factors: string[] };
  /** endedDeviceId: whose session it was, when the server ended it (expiry: deviceId is then null). */
  'session.ended': Actor & { endedSessionId: string; reason: string; endedDeviceId?: string };
  /** This session proved the password or a TOTP code again (POST /api/session/reauth), or failed to. */
  'reauth.succeeded': Actor & { factor: string; ip: Ip };
  'reauth.failed': Actor & { factor: string; reason: string; ip: Ip };
  'password.changed': Actor & { ip: Ip };
  /** proof: 'email-code' when the new address confirmed a code, 'none' when the server cannot send e-mail. */
  'account.email-changed': Actor & { previousEmail: string; newEmail: string; proof: string; ip: Ip };
  'factor.added': Actor & { factor: string; factorId: string | null; ip: Ip; passkey?: PasskeyFlags };
  'factor.removed': Actor & { factor: string; factorId: string | null; ip: Ip };
  'recovery-code.used': From & { deviceId: string | null; remaining: number };
  /** sha256: hex SHA-256 of the uploaded bytes. */
  'photo.uploaded': From & { photoId: string; sha256: string; deviceId: string; sessionId: string };
  'photo.trashed': Actor & { photoId: string; ip: Ip };
  'photo.restored': Actor & { photoId: string; ip: Ip };
  'photo.deleted': Actor & { photoId: string; sha256: string; reason: string; ip: Ip };
  'album.share-granted': Actor & { albumId: string; granteeAccountId: string; role: string; ip: Ip };
  'album.share-revoked': Actor & { albumId: string; granteeAccountId: string; ip: Ip };
  /** One per acknowledged sync batch; digest: hex SHA-256 over what was delivered, in order. */
  'sync.delivered': {
    deviceId: string;
    fromChange: number;
    toChange: number;
    /** The feed head the batch was read at: fixes which version of each entity it carried (absent on old entries). */
    servedHead?: number;
    count: number;
    digest: string;
  };
  'fleet.imported': Actor & { source: string; count: number; ip: Ip };
  /** An admin gave this account a role or took it away (support staff may look at other accounts). */
  'account.role-changed': Actor & { role: string; previousRole: string; ip: Ip };
  /** An admin disabled this account (its sessions ended: endedSessions) or enabled it again. */
  'account.disabled': Actor & { adminAccountId: string; endedSessions: number; ip: Ip };
  'account.enabled': Actor & { adminAccountId: string; ip: Ip };
  /**
   * An account was deleted (accounts/account-deletion.*): by its owner (on the server's log, with no device, session
   * or address: those were the deleted account's) or by an admin (on the admin's log, with the admin's device). Its
   * own entries became unopenable; this one names only its id, never its data.
   */
  'account.deleted': Actor & {
    deletedAccountId: string;
    by: 'owner' | 'admin';
    adminAccountId: string | null;
    reason: string;
    ip: Ip;
  };
  /** An admin revoked an unused sign-up invitation (on the admin's own log). */
  'invite.revoked': Actor & { inviteId: string; email: string; ip: Ip };
  /** Someone of the operator's staff looked at this account's data, and why. */
  'staff.accessed': { staffAccountId: string; reason: string; scope: string; ip: Ip };
  /**
   * A device's witness caught the log misbehaving (audit/audit.alarms.ts): both signed notes as the device got
   * them, whether each verifies with this log's key, fork = hex SHA-256 of the two, and held = hex SHA-256 of the
   * note the device held (earlier, or later when it held none), which deduplicates per device.
   */
  'audit.alarm': Actor & {
    problem: string;
    detail: string;
    earlier: string | null;
    later: string;
    earlierSigned: boolean;
    laterSigned: boolean;
    fork: string;
    held: string;
    ip: Ip;
  };
  /**
   * An admin cleared a halt of checkpoint signing (audit/audit.halt.ts) after a full verification passed, on the
   * admin's own log: which halt and why it was raised, and the size and hex root the verification vouched for.
   */
  'audit.halt-cleared': Actor & {
    haltId: number;
    reason: string;
    verifiedSize: number;
    root: string;
    ip: Ip;
  };
};

export type AuditKind = keyof AuditBodies;

// The runtime list of kinds is their stored codes (audit.kind-codes.ts), which must name every kind here.

/** One thing to record: the account it concerns (null: none, uses the server key), what, and details. */
export type AuditInput = {
  [K in AuditKind]: { accountId: string | null; kind: K; body: AuditBodies[K] };
}[AuditKind];
