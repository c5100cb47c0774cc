// Row types of the audit tables, as the audit code sees them (they live in adapters/db/schema.ts).
import type { Database } from '../adapters/db/schema.ts';

/** How many leaves the stored tree covers (migration 0023): one row, id 1; no row means 0. */
export interface AuditTreeTable {
  id: number;
  size: number;
}

/**
 * Tables created by migrations 0006-audit, 0023-audit-concurrent-append, 0024-audit-compact and 0025-audit-terms, and
 * 0029-audit-blocks' packed storage with the views that read hot and packed entries alike.
 */
export type AuditTables = Pick<
  Database,
  | 'audit_keys'
  | 'audit_owners'
  | 'audit_terms'
  | 'audit_events'
  | 'audit_leaves'
  | 'audit_leaf_blocks'
  | 'audit_event_blocks'
  | 'audit_all_events'
  | 'audit_all_leaves'
  | 'audit_nodes'
  | 'audit_checkpoints'
> & { audit_tree: AuditTreeTable };
export type {
  AuditKeysTable,
  AuditEventsTable,
  AuditLeavesTable,
  AuditNodesTable,
  AuditCheckpointsTable,
} from '../adapters/db/schema.ts';
