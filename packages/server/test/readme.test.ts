import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/corpus.ts';

describe('README and CI', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const [startLine = '', testLine = ''] = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());

  it('starts with the two command lines: start Shoebox, run the tests, both with the install step', () => {
    expect(startLine).toMatch(/^npm ci && npx shoebox serve$/);
    expect(testLine).toMatch(/^npm ci && npm test$/);
  });

  it('has .ci/run call exactly the README test line', () => {
    const ci = fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    const commands = ci.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(commands.at(-1)?.trim()).toBe(testLine);
  });
});
