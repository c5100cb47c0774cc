import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './context.ts';
import { mountWebApp } from './static-web.ts';

describe('the web app served from the API port', () => {
  let dist: string;
  const app = new OpenAPIHono<AppEnv>();
  const INDEX = '<!doctype html><script type="module" src="/assets/index-abc.js"></script>';
  const SCRIPT = 'export const x = 1;\n';

  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-dist-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dist, 'assets', 'index-abc.js'), SCRIPT);
    mountWebApp(app, dist);
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('serves a hashed asset as immutable, with its type', async () => {
    const res = await app.request('/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(SCRIPT);
  });

  it('answers index.html for a client-side route', async () => {
    const res = await app.request('/security');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  it('answers 404, not index.html, for a missing hashed asset, and does not let it be cached', async () => {
    const res = await app.request('/assets/SecurityPage-gone.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).not.toContain('<!doctype html>');
  });
});
