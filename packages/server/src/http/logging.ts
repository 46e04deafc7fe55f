/** Masks Chinese mobile numbers (138****0000) in any log text; passwords never reach the log at all. */
export function maskPhones(text: string): string {
  return text.replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2');
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhones(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  // Only plain objects and arrays are copied: a class instance (Fastify's request and reply, an Error) keeps its
  // prototype for the serializers below — a copy of its own fields had lost method, url and status code.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

/** pino options: redact secrets by path and mask phone numbers wherever they appear. */
export function loggerOptions(level: string) {
  return {
    level,
    redact: {
      paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.newPassword', '*.currentPassword', '*.password_hash', '*.phone'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method?: string; url?: string; host?: string; ip?: string }) => ({ method: req.method, url: maskPhones(req.url ?? ''), host: req.host, remoteAddress: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => maskDeep(a)));
      },
    },
  };
}
