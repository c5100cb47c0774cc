import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAIR_SKIPS } from './support/pair-skips.ts';

const SERVER_ROOT = path.resolve(import.meta.dirname, '..');

describe('the pair profile skip list', () => {
  it('names only tests that exist, each with its reason', () => {
    for (const skip of PAIR_SKIPS) {
      const source = fs.readFileSync(path.join(SERVER_ROOT, skip.file), 'utf8');
      expect(source, `${skip.file}: ${skip.test}`).toContain(skip.test);
      expect(skip.reason.length).toBeGreaterThan(20);
    }
  });
});
