import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Row types of every table. Times are integer milliseconds since the Unix epoch (UTC); JSON columns are text
 * so that SQLite and PostgreSQL store them the same way.
 */
export interface Database {
  settings: SettingsTable;
  accounts: AccountsTable;
  devices: DevicesTable;
  sessions: SessionsTable;
  blobs: BlobsTable;
  photos: PhotosTable;
  albums: AlbumsTable;
  album_photos: AlbumPhotosTable;
  album_members: AlbumMembersTable;
  changes: ChangesTable;
  jobs: JobsTable;
  blob_intents: BlobIntentsTable;
  device_sync: DeviceSyncTable;
  sync_deliveries: SyncDeliveriesTable;
  enrolments: EnrolmentsTable;
  sign_in_failures: SignInFailuresTable;
  sign_in_successes: SignInSuccessesTable;
  audit_keys: AuditKeysTable;
  audit_events: AuditEventsTable;
  audit_owners: AuditOwnersTable;
  audit_terms: AuditTermsTable;
  audit_leaves: AuditLeavesTable;
  audit_leaf_blocks: AuditLeafBlocksTable;
  audit_event_blocks: AuditEventBlocksTable;
  /** View (migration 0029): every event, hot or packed. */
  audit_all_events: AuditAllEventsTable;
  /** View (migration 0029): every leaf, hot or packed. */
  audit_all_leaves: AuditAllLeavesTable;
  audit_nodes: AuditNodesTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_halts: AuditHaltsTable;
  audit_witnessed: AuditWitnessedTable;
  evidence_uploads: EvidenceUploadsTable;
  fleet_imports: FleetImportsTable;
  fleet_shipments: FleetShipmentsTable;
  fleet_sales: FleetSalesTable;
  fleet_activations: FleetActivationsTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  not_me_tokens: NotMeTokensTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type AccountRole = 'admin' | 'user' | 'support';

export interface AccountsTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  role: AccountRole;
  created_at: number;
  password_changed_at: number;
  /** Set by "This wasn't me": until the password changes, no new device may sign in with it. */
  password_change_required_at: number | null;
  /** Set while an admin has disabled the account: it cannot sign in and has no live session. */
  disabled_at: Generated<number | null>;
}

export type DeviceStatus = 'trusted' | 'pending' | 'denied' | 'removed';

export interface DevicesTable {
  id: string;
  account_id: string;
  installation_id: string;
  name: string;
  model: string | null;
  os: string | null;
  app_version: string | null;
  serial: string | null;
  status: DeviceStatus;
  created_at: number;
  trusted_at: number | null;
  /** JSON: how the device was let in (first device, approved by device X, second factor ...). */
  trust_reason: string | null;
  last_seen_at: number;
  last_ip: string | null;
  /** JSON Place or null. */
  last_place: string | null;
  removed_at: number | null;
  /** JSON array of the risk flags raised at the device's latest sign-in; null before they existed. */
  risk_flags: string | null;
  /** SHA-256 (hex) of the device credential it proves when signing in again; null: it holds none (migration 0020). */
  credential_hash: Generated<string | null>;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  device_id: string;
  /** SHA-256 of the bearer token, hex. The token itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  ip: string | null;
  place: string | null;
  /** JSON array of factor names used at sign-in, e.g. ["password"]. */
  factors: string;
  revoked_at: number | null;
  revoke_reason: string | null;
  /** JSON array of the risk flags raised when this session was signed in. */
  risk_flags: string | null;
  /** What signed in: a browser (`web`) or the CLI / a sync agent (`device`); they expire differently. */
  client: SessionClient;
  /** When this session last proved the password or a second factor (sign-in or re-authentication). */
  authenticated_at: number;
}

export type SessionClient = 'web' | 'device';

export interface BlobsTable {
  sha256: string;
  size: number;
  created_at: number;
}

export type PhotoStatus = 'active' | 'trashed';
export type MediaState = 'pending' | 'ready' | 'failed';

export interface PhotosTable {
  id: string;
  account_id: string;
  sha256: string;
  size: number;
  mime: string;
  status: PhotoStatus;
  trashed_at: number | null;
  /** Ordering key of the timeline: capture time when known, else upload time. */
  sort_time: number;
  capture_time: string | null;
  capture_offset: string | null;
  capture_utc: number | null;
  make: string | null;
  model: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  gps_lat: number | null;
  gps_lon: number | null;
  media_state: MediaState;
  media_note: string | null;
  /** JSON array of metadata reading problems. */
  metadata_problems: string | null;
  file_name: string | null;
  file_modified_at: number | null;
  file_created_at: number | null;
  uploaded_at: number;
  upload_device_id: string;
  upload_session_id: string;
  upload_ip: string | null;
  upload_place: string | null;
  /** Id of the latest change-feed row about this photo. */
  change_id: Generated<number>;
}

export interface AlbumsTable {
  id: string;
  account_id: string;
  name: string;
  created_at: number;
  updated_at: number;
  change_id: Generated<number>;
}

export interface AlbumPhotosTable {
  album_id: string;
  photo_id: string;
  added_at: number;
  added_by_account_id: string;
  added_by_device_id: string | null;
  added_by_session_id: string | null;
  /** First change id of the addition (0 before migration 0009). */
  change_id: Generated<number>;
}

export type AlbumRole = 'view' | 'contribute';

/** An account an album is shared with (migration 0009). The owner is not a member: albums.account_id is. */
export interface AlbumMembersTable {
  album_id: string;
  account_id: string;
  role: AlbumRole;
  granted_at: number;
  granted_by_device_id: string | null;
  /** First change id of the grant. */
  change_id: Generated<number>;
}

export interface ChangesTable {
  id: Generated<number>;
  account_id: string;
  kind: string;
  entity_id: string;
  /** JSON body of the change. */
  body: string;
  created_at: number;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON payload. */
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export type AccountRow = Selectable<AccountsTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type PhotoRow = Selectable<PhotosTable>;
export type NewPhotoRow = Insertable<PhotosTable>;
export type PhotoUpdate = Updateable<PhotosTable>;
export type AlbumRow = Selectable<AlbumsTable>;
export type JobRow = Selectable<JobsTable>;

/** An object written to the blob store whose photo row is not yet committed; recovery removes leftovers. */
export interface BlobIntentsTable {
  id: string;
  blob_key: string;
  sha256: string;
  created_at: number;
}

export interface DeviceSyncTable {
  device_id: string;
  acked_change_id: number;
  acked_at: number;
}

/** A batch a device acknowledged: every change of its account with from_change < id <= to_change. */
export interface SyncDeliveriesTable {
  id: Generated<number>;
  device_id: string;
  account_id: string;
  from_change: number;
  to_change: number;
  /** 'snapshot' or 'changes'. */
  kind: string;
  item_count: number;
  acked_at: number;
  /** The feed head when the acknowledged page was read (null: before it was kept; read as `to_change`). */
  served_head: number | null;
}

export type EnrolmentState = 'waiting' | 'approved' | 'denied' | 'expired' | 'failed' | 'cancelled';

/** One attempt of a new device to join an account, from sign-in to decision. */
export interface EnrolmentsTable {
  id: string;
  account_id: string;
  device_id: string;
  session_id: string;
  state: EnrolmentState;
  created_at: number;
  expires_at: number;
  ip: string | null;
  place: string | null;
  /** SHA-256 of the 6-digit code a trusted device showed after "Allow"; null until then. */
  code_hash: string | null;
  code_expires_at: number | null;
  failed_attempts: number;
  decided_at: number | null;
  decided_by_device_id: string | null;
  /** How the decision was made: trusted-device, totp, email-code, recovery-code, expiry, too-many-attempts. */
  decided_factor: string | null;
  decided_ip: string | null;
  /** SHA-256 of the code e-mailed to the owner, and when it stops working. */
  email_code_hash: string | null;
  email_code_expires_at: number | null;
  /** When the owner was told that this sign-in was not completed within 3 minutes. */
  half_notice_at: number | null;
}

export type EnrolmentRow = Selectable<EnrolmentsTable>;

export interface SignInFailuresTable {
  id: Generated<number>;
  account_id: string | null;
  email_hash: string;
  ip: string;
  at: number;
}

export interface SignInSuccessesTable {
  email_hash: string;
  at: number;
}

// The audit log (migration 0006-audit); see audit/ for what each column means.

/** K_account: the per-account HMAC key for leaf tags. Deleting the row crypto-shreds the account's leaves. */
export interface AuditKeysTable {
  /** An account id, or SERVER_KEY_ID for events that concern no account. */
  account_id: string;
  key: Uint8Array;
  created_at: number;
}

/** The openable record of each leaf. kind/body/salt become null when the account is forgotten. */
/**
 * One logged event (migration 0024's compact form). The committed text, canonical JSON {v, seq, kind, at, body}, is
 * rebuilt from seq, kind, created_at and body (audit/audit.codec.ts; older rows hold it verbatim).
 */
export interface AuditEventsTable {
  seq: number;
  created_at: number;
  /** audit_owners.no of the account (or the server) it belongs to; null for a void entry. */
  owner: number | null;
  /** Stored kind code (audit/audit.kind-codes.ts); null once the owner was forgotten. */
  kind: number | null;
  body: Uint8Array | null;
  /** Null when derived from the owner's key. */
  salt: Uint8Array | null;
}

/** Every account (and the server) that ever had an audit key, numbered; rows are never deleted. */
export interface AuditOwnersTable {
  no: Generated<number>;
  account_id: string;
}

/** A value recurring in an owner's audit event bodies, named from them by `no` (audit/audit.terms.ts). */
export interface AuditTermsTable {
  no: Generated<number>;
  /** audit_owners.no */
  owner: number;
  /** The value, packed as in an event body (audit/audit.codec.ts encodeTerm). */
  value: Uint8Array;
}

/** What explain needs of each logged upload, one row per photo, derived from its photo.uploaded entry. */
export interface EvidenceUploadsTable {
  photo_id: string;
  account_id: string;
  /** The photo.uploaded entry (unique: one entry vouches for one photo). */
  seq: number;
  at: number;
  device_id: string;
  session_id: string;
  sha256: string;
  ip: string | null;
  /** The logged place as JSON text, and its label (for grouping without parsing). */
  place: string | null;
  place_label: string | null;
  /** The change at which the photo entered the account's feed (what a delivery range must cover). */
  added_change: number | null;
}

/** The public log: leaf = tag (32) ‖ commitment (32). Leaf index = seq. */
export interface AuditLeavesTable {
  seq: number;
  leaf: Uint8Array;
}

/**
 * LEAF_BLOCK consecutive leaves the tree covers, packed into one row (migration 0029; PostgreSQL only): the i-th
 * leaf (seq first_seq + i) is bytes [i * stride, (i + 1) * stride) of `leaves`.
 */
export interface AuditLeafBlocksTable {
  first_seq: number;
  /**
   * Bytes per leaf when every leaf of the block has the same length (48 since migration 0025); negative when they
   * differ: -MIXED_LEAF_SLOT, each leaf in a slot of its length byte, the leaf and zero padding.
   */
  stride: number;
  leaves: Uint8Array;
}

/** Up to 64 covered events of one owner and kind, packed into one row (migration 0029; PostgreSQL only). */
export interface AuditEventBlocksTable {
  owner: number;
  /** Null once the owner was forgotten, as on a hot row. */
  kind: number | null;
  first_seq: number;
  last_seq: number;
  seqs: number[];
  times: number[];
  /** Null once the owner was forgotten. */
  bodies: (Uint8Array | null)[] | null;
  /** Null when every salt is derived from the owner's key (or once forgotten). */
  salts: (Uint8Array | null)[] | null;
}

/**
 * An event wherever it is stored. span_first..span_last is the seq range of the row holding it (a block's, or the
 * event's own seq): a read by seq also bounds the span so that PostgreSQL reaches the blocks through their index.
 */
export interface AuditAllEventsTable extends AuditEventsTable {
  span_first: number;
  span_last: number;
}

/** A leaf wherever it is stored; span_first is its LEAF_BLOCK-aligned block, packed or not (bound it when reading). */
export interface AuditAllLeavesTable extends AuditLeavesTable {
  span_first: number;
}

/** Perfect-subtree hashes at level ≥ STORED_LEVEL, keyed by nodeRowId(level, index). */
export interface AuditNodesTable {
  id: number;
  hash: Uint8Array;
}

/** Every signed tree head (C2SP checkpoint note), one per size. */
export interface AuditCheckpointsTable {
  size: number;
  root: Uint8Array;
  note: string;
  created_at: number;
}

/** Halts of checkpoint signing shared by all instances (migration 0019, audit/audit.halt.ts). Open while uncleared. */
export interface AuditHaltsTable {
  id: Generated<number>;
  reason: string;
  halted_at: number;
  cleared_at: number | null;
  cleared_by: string | null;
  /** Note signed by the log key: this halt id, cleared after verifying the log up to a head. */
  clearance: string | null;
}

// Second factors (migration 0007-factors).

/** An authenticator app's shared secret (base32); unconfirmed until the first code from the app is typed. */
export interface TotpFactorsTable {
  id: string;
  account_id: string;
  secret: string;
  created_at: number;
  confirmed_at: number | null;
  /** Highest RFC 6238 time step accepted: codes of this step or earlier are refused (single use). */
  last_step: number;
}

/** One single-use recovery code, stored as SHA-256 of the normalised code. */
export interface RecoveryCodesTable {
  id: string;
  account_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
  used_by_device_id: string | null;
}

/** The single-use token behind the "This wasn't me" link of a notice e-mail. */
export interface NotMeTokensTable {
  token_hash: string;
  account_id: string;
  device_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

// Device history (migration 0010-fleet); see fleet/. Serials are stored trimmed and upper case.

export interface FleetImportsTable {
  id: string;
  /** shipments, sales or activations. */
  kind: string;
  /** SHA-256 of the file as uploaded, hex. */
  sha256: string;
  row_count: number;
  imported_count: number;
  imported_by: string;
  imported_at: number;
  /** The file's name as the importer gave it (null: not given, or imported before migration 0016). */
  file_name: Generated<string | null>;
}

export interface FleetShipmentsTable {
  id: string;
  import_id: string;
  serial: string;
  model: string;
  batch: string | null;
  /** YYYY-MM-DD as the manufacturer wrote it. */
  ship_date: string;
  shipped_to: string;
}

export interface FleetSalesTable {
  id: string;
  import_id: string;
  serial: string;
  retailer: string;
  order_id: string;
  sale_date: string;
  channel: string | null;
  /** sale, return or refurbished. */
  event: string;
}

/** An activation (or its end) from an imported file or recorded by this server at enrolment. */
export interface FleetActivationsTable {
  id: string;
  /** import or shoebox. */
  source: string;
  /** activated, signed-out or removed. */
  kind: string;
  serial: string;
  at: number;
  /** The time as an imported file wrote it, with its offset; null for Shoebox's own records. */
  local_time: string | null;
  /** Pseudonymous account id: as imported, or HMAC of the account id for Shoebox's own records. */
  account: string;
  /** JSON Place or null. */
  place: string | null;
  device_id: string | null;
  import_id: string | null;
  audit_seq: number | null;
}

/** A passkey (WebAuthn credential) of an account. Flags are 0/1. */
export interface PasskeysTable {
  id: string;
  account_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  aaguid: string | null;
  user_verified: number;
  backup_eligible: number;
  backed_up: number;
  name: string;
  created_at: number;
  created_by_device_id: string | null;
  last_used_at: number | null;
}

/** A WebAuthn challenge: single use (deleted when taken), valid 5 minutes. */
export interface WebauthnChallengesTable {
  challenge: string;
  purpose: 'register' | 'sign-in' | 'enrolment';
  account_id: string | null;
  device_id: string | null;
  ip: string | null;
  created_at: number;
  expires_at: number;
}

/** A checkpoint a trusted device reports it verified (migration 0022): the log's signed note as the device got it. */
export interface AuditWitnessedTable {
  device_id: string;
  size: number;
  account_id: string;
  /** Base64 root hash of the note, for listing without reopening it. */
  root: string;
  note: string;
  seen_at: number;
}
