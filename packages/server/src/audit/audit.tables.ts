// Row types of the audit tables. The lead merges AuditTables into adapters/db/schema.ts (Database);
// until then the audit code views a Queryable through these types (see audit.db.ts).

/** Tables created by migration 0006-audit. */
export interface AuditTables {
  audit_keys: AuditKeysTable;
  audit_events: AuditEventsTable;
  audit_leaves: AuditLeavesTable;
  audit_nodes: AuditNodesTable;
  audit_checkpoints: AuditCheckpointsTable;
}

/** K_account: the per-account HMAC key for leaf tags. Deleting the row crypto-shreds the account's leaves. */
export interface AuditKeysTable {
  /** An account id, or SERVER_KEY_ID for events that concern no account. */
  account_id: string;
  key: Uint8Array;
  created_at: number;
}

/** The openable record of each leaf. kind/body/salt become null when the account is forgotten. */
export interface AuditEventsTable {
  seq: number;
  account_id: string | null;
  kind: string | null;
  /** The committed event: canonical JSON {v, seq, kind, at, body}. */
  body: string | null;
  salt: Uint8Array | null;
  created_at: number;
}

/** The public log: leaf = tag (32) ‖ commitment (32). Leaf index = seq. */
export interface AuditLeavesTable {
  seq: number;
  leaf: Uint8Array;
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
