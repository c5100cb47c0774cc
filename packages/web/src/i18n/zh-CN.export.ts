import type { enExport } from './en.export.ts';

/** Simplified Chinese for en.export.ts: a missing or extra key fails to compile. */
export const zhCNExport: { readonly [K in keyof typeof enExport]: string } = {
  'export.button': '下载审计导出文件',
  'export.hint':
    '一个文件，包含本账户的审计记录、其证明以及本浏览器验证过的检查点。任何人都可以用命令“shoebox audit verify”离线核验。',
  'export.step.events': '正在读取审计记录：已读取 {done} 条',
  'export.step.checkpoint': '正在核对服务器的最新检查点',
  'export.step.proofs': '正在获取证明：{done} / {total}',
  'export.step.leaves': '正在获取日志以检查完整性：{done} / {total} 条',
  'export.progress': '审计导出进度',
  'export.done.one': '已下载 {file}：{count} 条记录。',
  'export.done.other': '已下载 {file}：{count} 条记录。',
  'export.failed': '无法生成审计导出文件：{reason}',
  'export.alarm': '未导出：服务器的日志并不延续本浏览器之前验证过的日志。{reason}',
} as const;
