// The file `shoebox audit export` writes and the web app downloads: the account's audit events with their
// proofs, the checkpoints this device witnessed, the log's public key and every leaf, so that anyone can
// check it later with no server (the leaves allow the tag scan and recomputing each root).

export const EXPORT_FORMAT = 'shoebox-audit-export/1';

/** A signed checkpoint as a device keeps it once verified. */
export interface SeenCheckpoint {
  size: number;
  root: string;
  note: string;
  seenAt: string;
}

/** A checkpoint one of the account's trusted devices reported it verified (GET /audit/witnessed). */
export interface DeviceCheckpoint extends SeenCheckpoint {
  deviceId: string;
}

export interface ExportedEvent {
  seq: number;
  kind: string;
  /** The committed text (RFC 8785 {at, body, kind, seq, v}): what the leaf commits to. */
  event: string;
  salt: string;
  leaf: string;
  proof: string[];
  /** Decoded copies for readers, as the API lists events; a verifier checks each against the text and leaf. */
  body?: Record<string, unknown>;
  createdAt?: string;
  tag?: string;
  commitment?: string;
}

export interface AuditExport {
  format: typeof EXPORT_FORMAT;
  server: string;
  verifierKey: string;
  accountId: string;
  /** The account's audit key: it opens the account's leaves and nobody else's. */
  key: string;
  /** The checkpoint the proofs are against: the latest this device verified. */
  checkpoint: SeenCheckpoint;
  /** Every checkpoint this device witnessed. */
  checkpoints: SeenCheckpoint[];
  /**
   * Every checkpoint the account's trusted devices reported they verified, up to the head's size, each checked
   * offline like `checkpoints` (signature, root recomputed from the leaves). Absent in exports made before.
   */
  deviceCheckpoints?: DeviceCheckpoint[];
  events: ExportedEvent[];
  /** All leaves [0, checkpoint.size), for the tag scan. */
  leaves: string[];
}
