import type { enSessions } from './en.sessions.ts';

/** Simplified Chinese for en.sessions.ts: a missing or extra key fails to compile. */
export const zhCNSessions: { readonly [K in keyof typeof enSessions]: string } = {
  'devices.serial': '序列号',
  'sessions.title': '会话',
  'sessions.subtitle':
    '当前登录了你账户的所有浏览器和应用。结束会话会立即将其退出登录；其设备仍会保留，可以再次登录（移除设备才能将其拒之门外）。',
  'sessions.current': '当前会话',
  'sessions.client.web': '浏览器',
  'sessions.client.device': '应用或命令行',
  'sessions.signedIn': '登录时间',
  'sessions.lastSeen': '最近活动',
  'sessions.place': '登录位置',
  'sessions.factors': '登录方式',
  'sessions.end': '结束会话',
  'sessions.endLabel': '结束会话：“{name}”',
  'sessions.ended': '“{name}”的会话已结束',
  'sessions.loadFailed': '无法加载会话：{reason}',
};
