import { describe, expect, it } from 'vitest';
import { z } from '@hono/zod-openapi';
import { issueText } from './issue-text.ts';

const texts = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return result.error.issues.map((i) => `${i.path.join('.')}: ${issueText(i)}`);
};

describe('issueText', () => {
  const form = z.strictObject({
    password: z.string().min(8).max(200),
    email: z.email(),
    photoIds: z.array(z.string()).min(1).max(3),
    limit: z.number().int().min(1).max(500),
    role: z.enum(['view', 'contribute']),
    name: z.string().trim().min(1),
  });

  it('says what a value must be, in words', () => {
    expect(
      texts(form, {
        password: 'short',
        email: 'nope',
        photoIds: ['a', 'b', 'c', 'd'],
        limit: 0,
        role: 'owner',
        name: '   ',
        extra: 1,
      }),
    ).toEqual([
      'password: must be at least 8 characters',
      'email: must be an e-mail address',
      'photoIds: must be at most 3 items',
      'limit: must be at least 1',
      'role: must be one of: view, contribute',
      'name: must not be empty',
      ': has fields this request does not take: extra',
    ]);
  });

  it('names a missing field and a value of the wrong type', () => {
    expect(texts(form.pick({ password: true, limit: true }), { limit: 'ten' })).toEqual([
      'password: is required',
      'limit: must be a number',
    ]);
    expect(texts(form.pick({ photoIds: true }), { photoIds: [] })).toEqual([
      'photoIds: must list at least one',
    ]);
  });

  it('keeps a message a schema wrote itself', () => {
    const sha = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
    expect(texts(sha, 'ABC')).toEqual([': a lowercase hex SHA-256']);
  });
});
