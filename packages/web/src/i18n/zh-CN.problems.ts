import type { enProblems } from './en.problems.ts';

/** Simplified Chinese for en.problems.ts: a missing or extra key fails to compile. */
export const zhCNProblems: { readonly [K in keyof typeof enProblems]: string } = {
  'problem.bad_request': '服务器无法接受这个请求。',
  'problem.validation_failed': '提交的内容有不合规之处。',
  'problem.invalid_cursor': '列表位置已失效：请重新加载页面。',
  'problem.cursor_reset': '服务器上的列表已变化：请重新加载页面。',
  'problem.ack_beyond_head': '服务器无法接受这个请求。',
  'problem.checksum_mismatch': '文件在传到服务器的途中损坏，未保存任何内容。请重试。',
  'problem.empty_file': '文件是空的。',
  'problem.unsupported_media_type':
    '这个文件不是 Shoebox 能保存的照片（支持 JPEG、PNG、WebP、GIF、HEIC/HEIF、AVIF、TIFF 或 RAW）。',
  'problem.weak_password': '不接受这个密码：请选择更长、更不常见的密码。',
  'problem.unauthenticated': '你已退出登录：请重新登录。',
  'problem.session_expired': '你的会话已结束：请重新登录。',
  'problem.forbidden': '你的账户无权执行此操作。',
  'problem.device_pending': '这台设备正在等待批准：请先在你的某台受信任设备上允许它。',
  'problem.device_not_trusted': '请在你的某台受信任设备上执行此操作。',
  'problem.password_change_required': '请先修改密码。',
  'problem.account_disabled': '此账户已被停用：请联系管理员。',
  'problem.reauth_required': '请先确认是你本人。',
  'problem.signup_closed': '此服务器已关闭注册，或邀请无效。',
  'problem.not_found': '该内容已不存在，或你无权查看。',
  'problem.conflict': '当前状态下无法执行此操作：请重新加载后再试。',
  'problem.payload_too_large': '文件超过了此服务器允许的大小。',
  'problem.range_not_satisfiable': '服务器无法发送文件的这一部分。',
  'problem.upload_aborted': '上传在文件完整到达前中断了。请重试。',
  'problem.audit_log_damaged': '账户的审计日志已损坏：请告知管理员。',
  'problem.internal': '服务器出错了。请稍后再试。',
  'problem.unavailable': '服务器繁忙或尚未就绪：请稍后再试。',
  'problem.network_error': '无法连接到 Shoebox 服务器。请检查网络连接后重试。',
  'problems.other': '服务器拒绝了这个请求（HTTP {status}）。',
} as const;
