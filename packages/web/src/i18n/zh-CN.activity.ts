import type { enActivity } from './en.activity.ts';

/** Simplified Chinese for en.activity.ts: a missing or extra key fails to compile. */
export const zhCNActivity: { readonly [K in keyof typeof enActivity]: string } = {
  'activity.factors': '使用{factors}',
  'activity.showOlder': '显示更早的记录',
  'activity.loadingOlder': '正在加载更早的记录…',
  'activity.olderFailed': '无法加载更早的记录：{reason}',
  'activity.notMeNoDevice.title': '这不是我',
  'activity.notMeNoDevice.body':
    '这不是你的任何设备所为。如果不是你本人，可能有人知道了你的密码：请立即修改密码，并保持勾选“退出其他所有设备”，以结束对方可能持有的会话。',
  'activity.notMeNoDevice.confirm': '修改我的密码',
} as const;
