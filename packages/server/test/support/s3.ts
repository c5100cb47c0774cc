import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT } from './corpus.ts';

/**
 * A real S3-compatible server (s3rver, from the npm registry) in its own process on a random loopback port,
 * storing into a temporary folder. See docs/ARCHITECTURE.md for why this one.
 */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** `s3://…` blob store spec for the config; `prefix` keeps test files apart in one bucket. */
  spec(prefix?: string): string;
  close(): Promise<void>;
}

// s3rver accepts any key pair but checks the SigV4 signature made with it.
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

const SCRIPT = `
const S3rver = require('s3rver');
const [directory, bucket] = process.argv.slice(1);
new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] })
  .run()
  .then(({ port }) => process.stdout.write(port + '\\n'), (err) => { console.error(err); process.exit(1); });
`;

export async function startTestS3(): Promise<TestS3> {
  // The SDK reads credentials from the standard variables, as a deployment would.
  Object.assign(process.env, CREDENTIALS);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-s3-'));
  const bucket = `shoebox-${randomBytes(4).toString('hex')}`;
  const child = spawn(process.execPath, ['-e', SCRIPT, directory, bucket], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${stderr}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    spec: (prefix = '') =>
      `s3://${bucket}/${prefix}?endpoint=${endpoint}&region=us-east-1&forcePathStyle=true&partSize=5242880`,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
