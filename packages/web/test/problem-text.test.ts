import { describe, expect, it } from 'vitest';
import { describeProblem, failureText } from '../src/api/problem-text.ts';
import { factorList } from '../src/devices/factor-text.ts';
import { createTranslator } from '../src/i18n/translate.ts';
import { ERROR_CODES } from '../../server/src/errors.ts';

const en = createTranslator('en');
const zh = createTranslator('zh-CN');
const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

describe('sign-in factors in words', () => {
  it('lists the factors in the reader’s language, keeping an unknown code as it is', () => {
    expect(factorList(en, ['password', 'totp'])).toBe('password and authenticator code');
    expect(factorList(en, ['passkey'])).toBe('passkey');
    expect(factorList(zh, ['password', 'totp'])).toBe('密码和验证器验证码');
    expect(factorList(en, ['password', 'smoke-signal'])).toBe('password and smoke-signal');
  });
});

describe('server problems in words', () => {
  it('has a sentence, in both languages, for every code the server can answer with', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      const problem = { status: 400, code, detail: 'Server words.' };
      expect(hasChinese(describeProblem(zh, problem)), code).toBe(true);
      expect(describeProblem(zh, problem), code).not.toContain('Server words');
      expect(describeProblem(en, problem), code).not.toContain('HTTP');
    }
  });

  it('tells an upload refusal in Chinese, and keeps a specific English detail for English readers', () => {
    const refused = {
      status: 415,
      code: 'unsupported_media_type',
      detail: 'This is not a photo Shoebox can keep.',
    };
    expect(describeProblem(zh, refused)).toContain('不是 Shoebox 能保存的照片');
    expect(describeProblem(en, refused)).toContain('not a photo Shoebox can keep');
    expect(describeProblem(zh, { status: 403, code: 'device_pending', detail: 'x' })).toContain('等待批准');
    const conflict = { status: 409, code: 'conflict', detail: 'This sign-in request is already allowed.' };
    expect(describeProblem(en, conflict)).toBe(conflict.detail);
    expect(describeProblem(zh, conflict)).toBe(zh.t('problem.conflict'));
  });

  it('falls back to the detail in English and to a translated sentence in Chinese for an unknown code', () => {
    const odd = { status: 502, code: 'http_error', detail: 'Bad Gateway' };
    expect(describeProblem(zh, odd)).toBe('服务器拒绝了这个请求（HTTP 502）。');
    expect(describeProblem(en, odd)).toBe('The server refused this request (HTTP 502).');
    expect(describeProblem(en, { status: 418, code: 'teapot', detail: 'Short and stout.' })).toBe(
      'Short and stout.',
    );
  });

  it("keeps the server's wait in English for too many tries, and says it in Chinese", () => {
    const limited = {
      status: 429,
      code: 'rate_limited',
      detail: 'Too many wrong passwords; try again in 840 s.',
    };
    expect(describeProblem(en, limited)).toBe(limited.detail);
    expect(describeProblem(zh, limited)).toBe('尝试次数过多：请稍后再试。');
  });

  it('words any thrown value', () => {
    expect(describeProblem(zh, { status: 0, code: 'network_error', detail: 'Failed to fetch' })).toContain(
      '无法连接',
    );
    expect(describeProblem(en, { status: 413, code: 'payload_too_large', detail: 'Over 1 GB.' })).toBe(
      'The file is larger than this server accepts.',
    );
    expect(failureText(en, new Error('The passkey prompt was closed.'))).toBe(
      'The passkey prompt was closed.',
    );
    expect(failureText(en, 'plain')).toBe('plain');
  });
});
