import { describe, expect, it } from 'vitest';
import { visible } from './output.ts';

describe('visible', () => {
  it('shows terminal escapes, carriage returns and text-direction controls as escapes', () => {
    expect(visible('Evil\u001b[2K\rD1 (trusted)')).toBe('Evil\\u001b[2K\\u000dD1 (trusted)');
    expect(visible('a\u202eb\u2066c\u0085d\u007f')).toBe('a\\u202eb\\u2066c\\u0085d\\u007f');
  });

  it('keeps newlines and tabs, and every printable character', () => {
    expect(visible('line 1\n\tline 2 · 张 📱 é')).toBe('line 1\n\tline 2 · 张 📱 é');
  });
});
