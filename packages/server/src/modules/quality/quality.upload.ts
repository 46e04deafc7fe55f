import type { FastifyRequest } from 'fastify';
export { qualityOf } from './quality.service.js';

/** Name (header `x-file-name`, URI-encoded), declared type and bytes of a raw upload, for the file guard. */
export function uploadMeta(request: FastifyRequest, bytes: Buffer): { name: string; mime: string; bytes: Uint8Array } {
  const raw = request.headers['x-file-name'];
  let name = typeof raw === 'string' ? raw : '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep the raw header
  }
  return { name: name.slice(0, 255), mime: String(request.headers['content-type'] ?? '').split(';')[0]!.trim(), bytes };
}
