import type { enPasskeys } from './en.passkeys.ts';

/** Simplified Chinese for en.passkeys.ts: a missing or extra key fails to compile. */
export const zhCNPasskeys: { readonly [K in keyof typeof enPasskeys]: string } = {
  'auth.passkey.signIn': '使用通行密钥登录',
  'auth.passkey.or': '或',
  'auth.passkey.unsupported': '此浏览器无法使用通行密钥。',
  'auth.passkey.ipAddress':
    '通行密钥需要服务器的名称，而不是 IP 地址：请通过名称（或 localhost）打开 Shoebox 再使用。',
  'auth.passkey.wrongAddress': '此服务器的通行密钥只能在它设定的地址上使用：请在该地址打开 Shoebox 再使用。',
  'auth.passkey.cancelled': '未使用通行密钥：提示已关闭、已超时，或没有找到此账户的通行密钥。请重试。',
  'auth.passkey.alreadyAdded': '这个通行密钥已在你的账户中。',
  'auth.passkey.unsuitable': '这台设备无法创建 Shoebox 所需类型的通行密钥。',
  'auth.passkey.failed': '通行密钥未能使用。请重试，或使用密码。',

  'pending.method.passkey': '通行密钥',
  'pending.method.email-code': '通过电子邮件发送的验证码',
  'pending.passkey.use': '使用通行密钥',
  'pending.passkey.hint': '浏览器或手机会请你用此账户的通行密钥确认。',
  'pending.email.send': '给我发送验证码邮件',
  'pending.email.sent': '验证码已发送到 {address}，10 分钟内有效，只能使用一次。',
  'pending.email.resend': '重新发送验证码',
  'pending.email.resendIn': '重新发送验证码（{seconds} 秒后）',
  'pending.email.resent': '新的验证码已发送到 {address}，之前的验证码已失效。',

  'security.totp.qr': '用身份验证器应用扫描的二维码',
  'security.totp.scanQr': '用身份验证器应用扫描此二维码，或输入下面的密钥。',

  'security.passkeys.title': '通行密钥',
  'security.passkeys.intro':
    '通行密钥无需密码即可登录，也可作为第二因素让新设备加入。它保存在你的手机、电脑或安全密钥上。',
  'security.passkeys.none': '还没有通行密钥。',
  'security.passkeys.name': '通行密钥名称',
  'security.passkeys.add': '添加通行密钥',
  'security.passkeys.added': '已添加通行密钥“{name}”。',
  'security.passkeys.remove': '移除',
  'security.passkeys.removeLabel': '移除通行密钥 {name}',
  'security.passkeys.removed': '通行密钥已移除。',
  'security.passkeys.created': '添加于 {date}',
  'security.passkeys.lastUsed': '上次使用 {date}',
  'security.passkeys.neverUsed': '从未使用',
  'security.passkeys.verified': '会验证你的身份（PIN 或生物识别）',
  'security.passkeys.synced': '在设备之间同步',
  'security.passkeys.deviceBound': '仅保存在一台设备上',
  'security.passkeys.passwordFirst': '添加或移除通行密钥前，请输入当前密码（登录后 15 分钟内无需输入）。',
  'security.passkeys.endedSessions.one': '已退出 {count} 个其他会话。',
  'security.passkeys.endedSessions.other': '已退出 {count} 个其他会话。',
};
