import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, parseConfig } from './config.ts';

describe('config', () => {
  it('applies embedded defaults: SQLite in the data folder, loopback, port 2283', () => {
    const config = parseConfig({ dataDir: '/tmp/shoebox-x' });
    expect(config).toMatchObject({
      port: 2283,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:/tmp/shoebox-x/shoebox.db',
      trashDays: 30,
    });
  });

  it('lists every bad value in one error', () => {
    let error: unknown;
    try {
      parseConfig({
        dataDir: '/tmp/x',
        port: 'eighty',
        trustProxy: ['not-an-ip'],
        logLevel: 'loud' as 'info',
        databaseUrl: 'mysql://x',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['port', 'trustProxy', 'logLevel', 'databaseUrl']) expect(problems).toContain(key);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('reads SHOEBOX_* environment variables', () => {
    const input = configFromEnv({
      SHOEBOX_PORT: '9000',
      SHOEBOX_DATA: '/srv/sb',
      SHOEBOX_TRUST_PROXY: '10.0.0.1, ::1',
      SHOEBOX_DATABASE: 'postgres://db/sb',
    });
    expect(parseConfig(input)).toMatchObject({
      port: 9000,
      dataDir: '/srv/sb',
      trustProxy: ['10.0.0.1', '::1'],
      databaseUrl: 'postgres://db/sb',
    });
  });

  it('refuses an argon2 memory cost below 19 MiB', () => {
    expect(() => parseConfig({ dataDir: '/tmp/x', argon2MemoryKiB: 1024 })).toThrow(ConfigError);
  });
});
