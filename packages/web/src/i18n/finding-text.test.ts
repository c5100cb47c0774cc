import { AnomalyCode, ExplainFindingCode, FleetSummaryCode } from '@shoebox/shared';
import { describe, expect, it } from 'vitest';
import { enFindings } from './en.findings.ts';
import {
  explainFindingText,
  EXPLAIN_CODES,
  FLEET_CODES,
  fleetFindingText,
  reasonText,
} from './finding-text.ts';
import type { FindingContext } from './finding-wording.ts';
import { createFormatters } from './format.ts';
import { zhCNFindings } from './zh-CN.findings.ts';

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const ctx = (locale: FindingContext['locale']): FindingContext => ({
  locale,
  fmt: createFormatters(locale),
  placeName: (p) => `[${p.label}]`,
});

describe('finding templates', () => {
  it('words every code of the server’s closed sets, in English and Chinese', () => {
    expect([...EXPLAIN_CODES].sort()).toEqual([...ExplainFindingCode.options].sort());
    expect([...FLEET_CODES].sort()).toEqual([...FleetSummaryCode.options].sort());
    for (const code of AnomalyCode.options) {
      expect(reasonText(code, 'en'), code).toBeTruthy();
      expect(reasonText(code, 'zh-CN'), code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('has the same placeholders in the English and Chinese template of every key', () => {
    const keys = Object.keys(enFindings) as (keyof typeof enFindings)[];
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys)
      expect(placeholders(zhCNFindings[key]), key).toEqual(placeholders(enFindings[key]));
  });

  it('fills params in: dates in the locale, places named, counts', () => {
    const finding = {
      code: 'activated-before-sale',
      params: {
        count: 2,
        saleDate: '2024-03-15',
        retailer: 'Volt',
        firstDate: '2024-03-01',
        account: 'acct-1',
        byCurrentOwner: false,
      },
    };
    expect(fleetFindingText(finding, ctx('en'))).toBe(
      'Activated 2 times before its sale on Mar 15, 2024 by Volt (first on Mar 1, 2024, by account acct-1): ' +
        'a display, returned or second-hand unit.',
    );
    expect(fleetFindingText(finding, ctx('zh-CN'))).toBe(
      '在 2024年3月15日 由 Volt 售出之前已激活 2 次（首次在 2024年3月1日，由账户 acct-1 激活）：这是展示机、退货机或二手机。',
    );
    const uploads = {
      code: 'this-device-uploads',
      params: {
        count: 1,
        first: '2024-05-18T12:00:00.000Z',
        last: '2024-05-18T12:00:00.000Z',
        places: [{ label: 'Berlin, Germany', place: null, count: 1 }],
      },
      text: 'English',
    };
    expect(explainFindingText(uploads, ctx('zh-CN'))).toMatch(
      /^此设备于 .*2024.*上传了 1 张照片，上传地点：Berlin, Germany ×1。$/,
    );
  });

  it('gives null (the caller shows the English) for an unknown code or unexpected params', () => {
    expect(fleetFindingText({ code: 'from-a-newer-server', params: {} }, ctx('zh-CN'))).toBeNull();
    expect(
      explainFindingText({ code: 'unmatched-elsewhere', params: { count: 'two' } }, ctx('zh-CN')),
    ).toBeNull();
    expect(
      explainFindingText(
        { code: 'photo-anomaly', params: { photoId: 'p', device: 'd', reasons: ['new'] } },
        ctx('en'),
      ),
    ).toBeNull();
    expect(reasonText('new-reason', 'zh-CN')).toBeNull();
  });
});
