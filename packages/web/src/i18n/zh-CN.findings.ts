import type { enFindings } from './en.findings.ts';

/** Simplified Chinese for en.findings.ts: a missing or extra key fails to compile. */
export const zhCNFindings: { readonly [K in keyof typeof enFindings]: string } = {
  'finding.photo-anomaly': '照片 {photoId} 在“{device}”上，但{reasons}。',
  'finding.reason.no-upload-entry': '此账户的审计日志中没有它的 photo.uploaded 条目',
  'finding.reason.content-differs': '它的内容与记录的上传不一致（SHA-256）',
  'finding.reason.upload-names-other-device': '记录的上传指向另一台设备',
  'finding.reason.upload-names-other-session': '记录的上传指向另一个会话',
  'finding.reason.device-missing': '上传它的设备不存在',
  'finding.reason.foreign-device': '它是由另一个账户的设备上传的',
  'finding.reason.no-sign-in': '它的上传会话在此账户的日志中没有登录记录',
  'finding.reason.never-approved': '上传它的设备从未获得批准（日志中没有加入记录）',
  'finding.reason.not-shared': '它属于另一个账户，且没有相册与此账户共享它',
  'finding.reason.not-in-feed': '它从未进入此账户的变更记录',
  'finding.reason.separator': '；',
  'finding.list.separator': '、',
  'finding.this-device-uploads.one': '此设备{span}上传了 {count} 张照片，上传地点：{places}。',
  'finding.this-device-uploads.other': '此设备{span}上传了 {count} 张照片，上传地点：{places}。',
  'finding.other-device-uploads.one':
    '{count} 张照片来自此账户的另一台设备“{deviceName}”{model}，该设备{signIn}；{span}从{places}上传。',
  'finding.other-device-uploads.other':
    '{count} 张照片来自此账户的另一台设备“{deviceName}”{model}，该设备{signIn}；{span}从{places}上传。',
  'finding.shared-in.one':
    '{count} 张照片通过账户 {ownerAccountId} 的相册 {albumId} 共享到此账户，自 {grantedAt} 起共享。',
  'finding.shared-in.other':
    '{count} 张照片通过账户 {ownerAccountId} 的相册 {albumId} 共享到此账户，自 {grantedAt} 起共享。',
  'finding.unmatched-elsewhere.one':
    '此图库中另有 {count} 张照片（不在此设备上）没有对应的上传记录；请对整个图库运行说明。',
  'finding.unmatched-elsewhere.other':
    '此图库中另有 {count} 张照片（不在此设备上）没有对应的上传记录；请对整个图库运行说明。',
  'finding.received.one': '它们分 {count} 批同步到了“{device}”。',
  'finding.received.other': '它们分 {count} 批同步到了“{device}”。',
  'finding.withReceived': '{finding}{received}',
  'finding.span.at': '于 {date}',
  'finding.span.between': '在 {from} 至 {to} 之间',
  'finding.place': '{place} ×{count}',
  'finding.model': '（{model}）',
  'finding.modelSerial': '（{model}，序列号 {serial}）',
  'finding.signIn.none': '没有登录记录',
  'finding.signIn': '于 {date} 从 {where} 使用 {factors} 登录，{approval}',
  'finding.where': '{ip}（{place}）',
  'finding.unknownAddress': '未知地址',
  'finding.noFactor': '无验证方式',
  'finding.approval.none': '从未获得批准',
  'finding.approval.first-device': '作为账户的第一台设备受信任',
  'finding.approval.device': '于 {date} 由“{device}”（{factor}）批准',
  'finding.fleet.unknown-serial':
    '没有任何记录知道序列号 {serial}：没有制造商发货、零售商销售或更早的激活记录。',
  'finding.fleet.unknown-serial.shoebox':
    '只有 Shoebox 自己的激活记录知道序列号 {serial}：没有制造商发货、零售商销售或更早的激活记录。',
  'finding.fleet.never-sold': '没有零售商记录过售出这台设备。',
  'finding.fleet.sold-more-than-once.one': '售出 {count} 次：{sales}。',
  'finding.fleet.sold-more-than-once.other': '售出 {count} 次：{sales}。',
  'finding.fleet.sale': '{date} 由 {retailer} 售出',
  'finding.fleet.sold-by-unshipped-retailer':
    '由 {retailer} 售出，但这台设备从未发货给它（发货给：{shippedTo}）。',
  'finding.fleet.sold-by-unshipped-retailer.noShipment': '由 {retailer} 售出，但没有这台设备的发货记录。',
  'finding.fleet.activated-before-sale.one':
    '在 {saleDate} 由 {retailer} 售出之前已激活一次（首次在 {firstDate}{by}）：这是展示机、退货机或二手机。',
  'finding.fleet.activated-before-sale.other':
    '在 {saleDate} 由 {retailer} 售出之前已激活 {count} 次（首次在 {firstDate}{by}）：这是展示机、退货机或二手机。',
  'finding.fleet.by.owner': '，由当前所有者激活',
  'finding.fleet.by.account': '，由账户 {account} 激活',
  'finding.fleet.activated-by-another-account':
    '在当前所有者之前已被另一个账户激活（首次在 {firstAt}，账户 {account}）。',
  'finding.fleet.activated-by-another-account.several':
    '在当前所有者之前已被其他账户激活（首次在 {firstAt}，账户 {account}）。',
  'finding.fleet.passed-activated-before-sale': '在 {saleDate} 由 {retailer} 售出之前没有激活。',
  'finding.fleet.passed-activated-by-another-account': '在当前所有者之前没有其他账户激活过它。',
  'finding.fleet.passed-sold-more-than-once': '只售出过一次。',
  'finding.fleet.passed-sold-by-unshipped-retailer': '由曾收到其发货的零售商售出。',
} as const;
