// RFC 6962/9162 Merkle log math and C2SP checkpoints, for server, CLI and browser.
// Builders and signers throw on bad arguments (caller bugs); verifiers and parsers
// of untrusted input return { ok: false, reason } instead.
export { HASH_SIZE, emptyRoot, leafHash, nodeHash } from './hash.ts';
export { bytesEqual, fromBase64, fromHex, toBase64, toHex, tryFromBase64 } from './encoding.ts';
export type { Failure } from './result.ts';
export { consistencyPlan, inclusionPlan, rootPlan, type HashPlan, type NodeId } from './plan.ts';
export {
  consistencyProof,
  consistencyProofAsync,
  inclusionProof,
  inclusionProofAsync,
  rootAt,
  rootAtAsync,
  rootFromLeafHashes,
  type AsyncNodeSource,
  type NodeSource,
} from './tree.ts';
export { Frontier, type CompletedNode } from './frontier.ts';
export { MemoryNodeSource } from './memory-source.ts';
export {
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  type RootResult,
  type VerifyResult,
} from './verify.ts';
export {
  ED25519_SIGNATURE_TYPE,
  ed25519KeyId,
  formatKeyId,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  parseSignerKey,
  parseVerifierKey,
  type SignerKey,
  type SignerKeyResult,
  type VerifierKey,
  type VerifierKeyResult,
} from './keys.ts';
export {
  MAX_NOTE_SIGNATURES,
  openNote,
  parseNote,
  signNote,
  type Note,
  type NoteResult,
  type NoteSignature,
  type OpenNoteResult,
  type OpenedNote,
} from './note.ts';
export {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointInput,
  type CheckpointResult,
  type OpenCheckpointOptions,
} from './checkpoint.ts';
