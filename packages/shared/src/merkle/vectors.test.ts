// Runs every transparency-dev/merkle JSON probe in shared/testvectors/rfc6962.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64, fromHex } from './encoding.ts';
import { leafHash } from './hash.ts';
import { MemoryNodeSource } from './memory-source.ts';
import { consistencyProof, inclusionProof, rootFromLeafHashes } from './tree.ts';
import { verifyConsistency, verifyInclusion } from './verify.ts';

// CI clones the repo elsewhere with shared/ beside it, so find it from the repo root.
function repoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && 'workspaces' in JSON.parse(fs.readFileSync(pkg, 'utf8'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no workspace root above ${start}`);
  }
}

const VECTORS = path.join(
  repoRoot(path.dirname(fileURLToPath(import.meta.url))),
  '..',
  'shared',
  'testvectors',
  'rfc6962',
);

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

interface Case<T> {
  name: string;
  v: T;
}

// JSON.parse turns 2^64-1 (the "leafIdx sub @1" probes) into an unsafe float;
// the verifiers must reject any index that is not a safe integer, so that is fine.
function load<T>(folder: string): Case<T>[] {
  const dir = path.join(VECTORS, folder);
  return jsonFiles(dir).map((file) => ({
    name: path.relative(dir, file),
    v: JSON.parse(fs.readFileSync(file, 'utf8')) as T,
  }));
}

const b64 = (s: string | null): Uint8Array => (s === null ? new Uint8Array() : fromBase64(s));
const proofOf = (p: string[] | null): Uint8Array[] => (p ?? []).map((s) => fromBase64(s));

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string | null;
  leafHash: string | null;
  proof: string[] | null;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string | null;
  root2: string | null;
  proof: string[] | null;
  wantErr: boolean;
}

// The probes are built from transparency-dev's testonly.LeafInputs().
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
]
  .map(fromHex)
  .map(leafHash);
const SOURCE = new MemoryNodeSource(LEAVES);
const rootOf = (size: number): Uint8Array => rootFromLeafHashes(LEAVES.slice(0, size));

const inclusion = load<InclusionVector>('inclusion');
const consistency = load<ConsistencyVector>('consistency');

describe('RFC 6962 inclusion vectors', () => {
  it('found vectors', () => expect(inclusion.length).toBeGreaterThan(0));

  it.each(inclusion)('$name', ({ v }) => {
    const got = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, proofOf(v.proof), b64(v.root));
    expect(got.ok, got.ok ? 'accepted' : got.reason).toBe(!v.wantErr);
  });

  // Only probes about the shared 8-leaf tree; others use unrelated leaves.
  const fromTree = inclusion.filter(
    (c) => !c.v.wantErr && bytesEqual(b64(c.v.leafHash), LEAVES[c.v.leafIdx] ?? new Uint8Array()),
  );
  it.each(fromTree)('builder reproduces $name', ({ v }) => {
    expect(inclusionProof(SOURCE, v.leafIdx, v.treeSize)).toEqual(proofOf(v.proof));
    expect(rootFromLeafHashes(LEAVES.slice(0, v.treeSize))).toEqual(b64(v.root));
  });
});

describe('RFC 6962 consistency vectors', () => {
  it('found vectors', () => expect(consistency.length).toBeGreaterThan(0));

  it.each(consistency)('$name', ({ v }) => {
    const got = verifyConsistency(v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2));
    expect(got.ok, got.ok ? 'accepted' : got.reason).toBe(!v.wantErr);
  });

  const fromTree = consistency.filter(
    (c) => !c.v.wantErr && c.v.size2 <= LEAVES.length && bytesEqual(b64(c.v.root2), rootOf(c.v.size2)),
  );
  it.each(fromTree)('builder reproduces $name', ({ v }) => {
    expect(consistencyProof(SOURCE, v.size1, v.size2)).toEqual(proofOf(v.proof));
    expect(rootFromLeafHashes(LEAVES.slice(0, v.size2))).toEqual(b64(v.root2));
  });
});
