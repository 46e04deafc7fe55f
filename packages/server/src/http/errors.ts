import { ERROR_CODES, type ErrorCode } from '@kefu/contracts';
import { DomainError } from '@kefu/core';
import type { FastifyError, FastifyInstance } from 'fastify';

/** An error the API answers with its stable code; anything else becomes `internal`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_CODES[code].zh);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export const notFound = (what = '资源') => new AppError('resource.not_found', `找不到该${what}`);

/** Maps Fastify's own errors (body parsing, limits) onto our codes. */
function fromFastify(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request.unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.malformed_json');
    default:
      break;
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return new AppError('request.malformed_json');
  if (err.statusCode === 413) return new AppError('request.too_large');
  if (err.statusCode === 415) return new AppError('request.unsupported_media_type');
  if (err.statusCode === 404) return new AppError('resource.not_found');
  return null;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof DomainError && err.code in ERROR_CODES) return new AppError(err.code as ErrorCode, err.message, err.details);
  if (err && typeof err === 'object' && 'code' in err) {
    const mapped = fromFastify(err as FastifyError);
    if (mapped) return mapped;
  }
  return new AppError('internal');
}

/** One error format for every route: `{ error: { code, message } }`. */
export function registerErrorHandler(app: FastifyInstance, opts: { spaIndex?: boolean } = {}): void {
  app.setErrorHandler((err, request, reply) => {
    const appErr = toAppError(err);
    if (appErr.code === 'internal') request.log.error({ err }, 'unhandled error');
    else request.log.info({ code: appErr.code }, 'request failed');
    const body: { error: { code: string; message: string; details?: unknown } } = {
      error: { code: appErr.code, message: appErr.message },
    };
    if (appErr.details !== undefined) body.error.details = appErr.details;
    void reply.status(appErr.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the web app fall back to its shell; API and asset paths stay JSON 404s.
    if (opts.spaIndex && request.method === 'GET' && !/^\/(api|widget|files|ws)(\/|$)/.test(request.url)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'resource.not_found', message: `没有这个接口: ${request.method} ${request.url.split('?')[0]}` } });
  });
}
