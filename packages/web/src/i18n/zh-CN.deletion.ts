import type { enDeletion } from './en.deletion.ts';

/** Simplified Chinese for en.deletion.ts: a missing or extra key fails to compile. */
export const zhCNDeletion: { readonly [K in keyof typeof enDeletion]: string } = {
  'security.delete.title': '删除账户',
  'security.delete.warning':
    '删除账户会从此服务器上永久删除你的所有照片、相册和共享、所有设备和登录方式，以及你的电子邮件地址。与你共享相册的人也将失去这些相册。你在审计日志中的条目仍留在日志中，但任何人都无法再打开。此操作无法撤销。',
  'security.delete.typeEmail': '输入你的电子邮件地址（{email}）以确认',
  'security.delete.password': '密码（如果你在 15 分钟内登录过则无需填写）',
  'security.delete.submit': '删除我的账户',
  'security.delete.mismatch': '你输入的电子邮件地址与此账户不符。',
  'security.delete.lastAdmin': '你是最后一位管理员：请先让另一个账户成为管理员。',
  'auth.accountDeleted': '你的账户正在被删除，其中的所有内容都将从服务器上移除。',

  'admin.accounts.delete': '删除',
  'admin.accounts.deleteFor': '删除 {email}',
  'admin.accounts.deleteWarning':
    '这将永久删除 {email}：其照片、相册、共享、设备、登录方式和地址。其会话会立即结束。此操作无法撤销。',
  'admin.accounts.deleteReason': '原因（记录在你的审计日志中）',
  'admin.accounts.deletePassword': '你的密码（如果你在 15 分钟内登录过则无需填写）',
  'admin.accounts.deleted': '正在删除 {email}，其会话已结束。',
};
