// Row types of the audit tables, as the audit code sees them (they live in adapters/db/schema.ts).
import type { Database } from '../adapters/db/schema.ts';

/** Tables created by migration 0006-audit. */
export type AuditTables = Pick<
  Database,
  'audit_keys' | 'audit_events' | 'audit_leaves' | 'audit_nodes' | 'audit_checkpoints'
>;
export type {
  AuditKeysTable,
  AuditEventsTable,
  AuditLeavesTable,
  AuditNodesTable,
  AuditCheckpointsTable,
} from '../adapters/db/schema.ts';
