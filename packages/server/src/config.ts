import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';

/** Everything the server can be told at start-up. Parsed once; every bad value is reported together. */
const ConfigSchema = z.object({
  /** TCP port of the HTTP API and web app. */
  port: z.coerce.number().int().min(0).max(65535).default(2283),
  /** Address to bind; loopback by default so a fresh install is not exposed by accident. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Folder for the SQLite database, blobs, derivatives and keys. */
  dataDir: z.string().min(1),
  /** `sqlite:` path or `postgres://` URL. Defaults to `<dataDir>/shoebox.db`. */
  databaseUrl: z
    .string()
    .refine((v) => /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(v) || !v.includes('://'), {
      message: 'must be a postgres:// URL or a SQLite file path',
    })
    .optional(),
  /** Blob store: `file:/path` (default `<dataDir>/blobs`) or `s3://bucket[/prefix]?endpoint=…` (docs/cli.md). */
  blobStore: z.string().optional(),
  /** Proxies whose X-Forwarded-For is believed (exact addresses). */
  trustProxy: z.array(z.ipv4().or(z.ipv6())).default([]),
  /** Largest accepted upload in bytes. */
  maxUploadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024 * 1024),
  /** Parallel thumbnail/preview jobs. */
  mediaWorkers: z.coerce.number().int().min(0).max(64).default(Math.max(1, os.availableParallelism())),
  /** Days a trashed photo is kept before permanent deletion. */
  trashDays: z.coerce.number().int().min(1).max(3650).default(30),
  /** pino log level. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SMTP server for security notices, e.g. `smtp://user:pass@mail.example.com:587`; none by default. */
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** Sender of notices. */
  mailFrom: z.string().min(3).default('Shoebox <shoebox@localhost>'),
  /** The address people use to open Shoebox (links in e-mails). */
  publicUrl: z.url().optional(),
  /** WebAuthn relying-party id (a domain) for passkeys; defaults to the host name of publicUrl. */
  rpId: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'must be a domain name')
    .optional(),
  /**
   * The audit log's Ed25519 signing key (created on first start), outside the database so that whoever can edit
   * the database cannot re-sign history. Every instance serving one database must use the same file.
   * Defaults to `<dataDir>/keys/log.key`.
   */
  logKeyFile: z.string().min(1).optional(),
  /**
   * How much of the audit log start-up re-derives: `incremental` (default) the entries appended since the last
   * verification, which a signed mark records; `full` every entry, which also catches old rows rewritten since.
   */
  auditVerify: z.enum(['incremental', 'full']).default('incremental'),
  /** argon2id cost; tests may lower memory, never below the floor of 19 MiB. */
  argon2MemoryKiB: z.coerce.number().int().min(19456).default(19456),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>> & {
  readonly databaseUrl: string;
  readonly logKeyFile: string;
};
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parse flags (already merged over SHOEBOX_* environment variables by the caller) into a frozen Config. */
export function parseConfig(input: Partial<ConfigInput>): Config {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  }
  const dataDir = path.resolve(result.data.dataDir);
  const databaseUrl = result.data.databaseUrl ?? `sqlite:${path.join(dataDir, 'shoebox.db')}`;
  const logKeyFile = path.resolve(result.data.logKeyFile ?? path.join(dataDir, 'keys', 'log.key'));
  return Object.freeze({ ...result.data, dataDir, databaseUrl, logKeyFile });
}

/** Reads the SHOEBOX_* environment variables that map onto config keys. */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<ConfigInput> {
  const pick = (name: string) => env[`SHOEBOX_${name}`] || undefined;
  const trust = pick('TRUST_PROXY');
  return stripUndefined({
    port: pick('PORT'),
    host: pick('HOST'),
    dataDir: pick('DATA'),
    databaseUrl: pick('DATABASE'),
    blobStore: pick('BLOBS'),
    trustProxy: trust ? trust.split(/[\s,]+/).filter(Boolean) : undefined,
    maxUploadBytes: pick('MAX_UPLOAD_BYTES'),
    mediaWorkers: pick('MEDIA_WORKERS'),
    trashDays: pick('TRASH_DAYS'),
    logLevel: pick('LOG_LEVEL'),
    smtpUrl: pick('SMTP_URL'),
    mailFrom: pick('MAIL_FROM'),
    publicUrl: pick('PUBLIC_URL'),
    rpId: pick('RP_ID'),
    logKeyFile: pick('LOG_KEY'),
    auditVerify: pick('AUDIT_VERIFY'),
  }) as Partial<ConfigInput>;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
