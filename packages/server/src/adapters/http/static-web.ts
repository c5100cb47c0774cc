import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Where `npm run build -w @shoebox/web` puts the single-page app. */
export const DEFAULT_WEB_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../web/dist',
);

/**
 * Serves the built web app from the API's port. Hashed assets are cached for a year, and a missing one is a 404; every
 * other path that is not an API route gets index.html so client-side routes survive a reload.
 */
export function mountWebApp(app: OpenAPIHono<AppEnv>, distDir = DEFAULT_WEB_DIST): void {
  const index = path.join(distDir, 'index.html');
  app.get('*', async (c, next) => {
    const urlPath = decodeURIComponent(c.req.path);
    if (urlPath.startsWith('/api/') || urlPath === '/healthz' || urlPath === '/metrics') return next();
    const file = path.resolve(distDir, `.${urlPath}`);
    const inside = file.startsWith(distDir + path.sep);
    if (inside && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const immutable = urlPath.startsWith('/assets/');
      return c.body(fs.readFileSync(file), 200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // A missing hashed asset is a 404: index.html in its place would be cached as that script or stylesheet and
    // break the page with a MIME error (a lazily loaded page never renders) instead of saying what is missing.
    if (urlPath.startsWith('/assets/'))
      return c.text(`Not found: ${urlPath}`, 404, { 'cache-control': 'no-store' });
    if (!fs.existsSync(index)) {
      return c.text('The web app is not built: run `npm run build -w @shoebox/web`.', 404);
    }
    return c.body(fs.readFileSync(index), 200, {
      'content-type': TYPES['.html'] ?? 'text/html',
      'cache-control': 'no-cache',
    });
  });
}
