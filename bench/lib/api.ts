import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { UPLOAD_HEADERS, type Photo, type PhotoPage, type SignInResponse } from '@shoebox/shared';

export const BENCH_PASSWORD = 'bench-orchard-velvet-4711';

export interface UploadInput {
  path: string;
  size: number;
  sha256: string;
}

/** A bench client over loopback: JSON calls through fetch, uploads streamed from disk through node:http. */
export class BenchClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  async json<T>(method: string, route: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const response = await fetch(`${this.url}${route}`, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** Streams one file as `POST /api/photos` with its SHA-256 and name, as the CLI does. */
  upload(file: UploadInput): Promise<{ created: boolean }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        `${this.url}/api/photos`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token ?? ''}`,
            'content-type': 'application/octet-stream',
            'content-length': String(file.size),
            [UPLOAD_HEADERS.sha256]: file.sha256,
            [UPLOAD_HEADERS.fileName]: encodeURIComponent(path.basename(file.path)),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status !== 200 && status !== 201)
              reject(new Error(`upload ${file.path}: ${status} ${text.slice(0, 300)}`));
            else resolve({ created: status === 201 });
          });
        },
      );
      request.on('error', reject);
      fs.createReadStream(file.path).on('error', reject).pipe(request);
    });
  }

  /** One timeline page; `ms` is the client-side round trip including JSON parsing. */
  async page(limit: number, cursor: string | null): Promise<{ page: PhotoPage; ms: number }> {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const started = performance.now();
    const page = await this.json<PhotoPage>('GET', `/api/photos?${query}`);
    return { page, ms: performance.now() - started };
  }

  /** Walks the whole timeline by cursor; calls `onPage` for every page. */
  async listAll(limit: number, onPage?: (items: Photo[], ms: number) => void): Promise<number> {
    let cursor: string | null = null;
    let count = 0;
    do {
      const { page, ms } = await this.page(limit, cursor);
      onPage?.(page.items, ms);
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Creates the first account (the admin) and signs in its first, trusted device. */
export async function signUp(url: string, email = 'photographer@example.com'): Promise<BenchClient> {
  const anonymous = new BenchClient(url);
  await anonymous.json('POST', '/api/accounts', { email, password: BENCH_PASSWORD });
  const device = { installationId: randomUUID(), name: 'bench', model: 'Bench', os: 'Node' };
  const signedIn = await anonymous.json<SignInResponse>('POST', '/api/auth/sign-in', {
    email,
    password: BENCH_PASSWORD,
    device,
  });
  anonymous.close();
  return new BenchClient(url, signedIn.token);
}
