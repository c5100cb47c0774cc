import type { enLinks } from './en.links.ts';

/** Simplified Chinese for en.links.ts: a missing or extra key fails to compile. */
export const zhCNLinks: { readonly [K in keyof typeof enLinks]: string } = {
  'links.entry': '条目 #{seq}',
  'links.openEntry': '查看活动条目 #{seq}',
};
