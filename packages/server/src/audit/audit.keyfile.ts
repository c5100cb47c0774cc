// The checkpoint signing key lives in a file, never in the database: whoever can rewrite the
// database should not also be able to sign a rewritten history.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  formatVerifierKey,
  generateSignerKey,
  parseSignerKey,
  type SignerKey,
} from '@shoebox/shared/merkle/index';

export interface LogSigner {
  readonly key: SignerKey;
  /** Verifier key string (name+id+key), what devices pin; also written to the .pub file. */
  readonly vkey: string;
  /** The checkpoint origin line, which is the key name. */
  readonly origin: string;
}

/** `<dir>/log.key` → `<dir>/log.pub`. */
export function publicKeyFile(signerKeyFile: string): string {
  return signerKeyFile.endsWith('.key') ? `${signerKeyFile.slice(0, -4)}.pub` : `${signerKeyFile}.pub`;
}

/**
 * Reads the signer key, creating it (mode 0600, directory 0700) on first start. The origin is fixed
 * when the key is made; a different configured origin later is an error, since devices pin both.
 */
export function loadOrCreateSigner(signerKeyFile: string, origin?: string): LogSigner {
  const text = readKeyFile(signerKeyFile) ?? createKeyFile(signerKeyFile, origin ?? defaultOrigin());
  const parsed = parseSignerKey(text.trim());
  if (!parsed.ok) throw new Error(`Audit log key ${signerKeyFile} is not a signer key: ${parsed.reason}`);
  const { key } = parsed;
  if (origin !== undefined && key.name !== origin) {
    throw new Error(
      `Audit log key ${signerKeyFile} is for origin "${key.name}", not the configured "${origin}"`,
    );
  }
  const vkey = formatVerifierKey(key.name, key.publicKey);
  const pub = publicKeyFile(signerKeyFile);
  if (readKeyFile(pub)?.trim() !== vkey) fs.writeFileSync(pub, `${vkey}\n`, { mode: 0o644 });
  return { key, vkey, origin: key.name };
}

function defaultOrigin(): string {
  // Unique per installation, so two servers' checkpoints can never be confused.
  return `shoebox/audit/${randomBytes(8).toString('hex')}`;
}

function readKeyFile(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    // Like ssh: a signing key others can read is not a secret any more.
    if (process.platform !== 'win32' && file.endsWith('.key') && (stat.mode & 0o077) !== 0) {
      throw new Error(`Audit log key ${file} is accessible by other users; run chmod 600 on it`);
    }
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function createKeyFile(file: string, origin: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { skey } = generateSignerKey(origin);
  try {
    // 'wx': if another instance created it meanwhile, use theirs rather than overwrite it.
    fs.writeFileSync(file, `${skey}\n`, { mode: 0o600, flag: 'wx' });
    return skey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8');
  }
}
