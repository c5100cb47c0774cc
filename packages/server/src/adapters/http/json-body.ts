// A JSON request body is read and checked once, before any route: text that is not valid Unicode (a lone UTF-16
// surrogate, which JSON's \u escapes can spell) is refused here, because no store, log or canonical form can keep it
// (SQLite and PostgreSQL would store a replacement character; an audit entry's canonical JSON refuses it outright).
// Hono's validators later read the parsed body from the request's cache.
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.ts';

const JSON_TYPE = /^application\/([a-z-.]+\+)?json(;|$)/i;
const LONE_SURROGATE = /\p{Cs}/u;

/** The path to the first string (key or value) in `value` that holds a lone surrogate, or null. */
export function illFormedText(value: unknown, path = '$'): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return `${path} (a key)`;
      const found = illFormedText(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

export const jsonBodyGuard: MiddlewareHandler = async (c, next) => {
  if (
    JSON_TYPE.test(c.req.header('content-type') ?? '') &&
    c.req.method !== 'GET' &&
    c.req.method !== 'HEAD'
  ) {
    // Read as text (Hono caches it for the validators); an empty body is the route's to judge.
    const text = await c.req.text();
    if (text.trim() === '') return next();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError('bad_request', 'The request body is not valid JSON.');
    }
    const at = illFormedText(body);
    if (at)
      throw new AppError(
        'validation_failed',
        `The request body holds text that is not valid Unicode at ${at}.`,
      );
  }
  await next();
};
