/**
 * Stable error codes of the HTTP API and the realtime socket: `{ error: { code, message } }`.
 * docs/ERRORS.md lists the same codes; a test keeps the two in sync.
 */
export const ERROR_CODES = {
  'request.invalid': { status: 400, zh: '请求参数不正确' },
  'request.malformed_json': { status: 400, zh: '请求体不是合法的 JSON' },
  'request.too_large': { status: 413, zh: '请求体过大' },
  'request.unsupported_media_type': { status: 415, zh: '不支持的内容类型' },
  'auth.required': { status: 401, zh: '请先登录' },
  'auth.invalid_credentials': { status: 401, zh: '邮箱或密码不正确' },
  'auth.forbidden': { status: 403, zh: '没有权限执行此操作' },
  'auth.csrf': { status: 403, zh: '安全校验失败，请刷新页面后重试' },
  'auth.disabled': { status: 403, zh: '账号已停用' },
  'rate_limited': { status: 429, zh: '操作太频繁，请稍后再试' },
  'resource.not_found': { status: 404, zh: '找不到该资源' },
  'resource.conflict': { status: 409, zh: '资源已存在或状态冲突' },
  'order.invalid_transition': { status: 409, zh: '订单当前状态不允许此操作' },
  'message.too_large': { status: 413, zh: '消息过长' },
  'message.invalid': { status: 400, zh: '消息格式不正确' },
  'conversation.not_found': { status: 404, zh: '会话不存在' },
  'file.rejected': { status: 415, zh: '文件类型不安全或不受支持' },
  'file.too_large': { status: 413, zh: '文件过大' },
  'conversation.invalid_transition': { status: 409, zh: '会话当前状态不允许此操作' },
  'realtime.malformed_frame': { status: 400, zh: '消息帧格式不正确' },
  'realtime.rate_limited': { status: 429, zh: '发送太频繁，请稍后再试' },
  'widget.invalid_signature': { status: 401, zh: '买家身份签名无效' },
  'message.blocked': { status: 422, zh: '消息含有店铺禁止发送的内容' },
  'import.invalid_file': { status: 400, zh: '导入文件无法识别' },
  'internal': { status: 500, zh: '服务器内部错误' },
} as const satisfies Record<string, { status: number; zh: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error body every API and socket error uses. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
