import { createHash } from 'node:crypto';
import type { ImagePayload } from '@kefu/contracts';
import { REALTIME_LIMITS } from '@kefu/contracts';
import type { Kysely } from 'kysely';
import { AppError } from '../../http/errors.js';
import { newId } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';

export type ImageMime = ImagePayload['mime'];

/** The image type by magic bytes, whatever the client claimed; null when not png/jpeg/gif/webp. */
export function sniffImage(buf: Buffer): ImageMime | null {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 6 && (buf.subarray(0, 6).toString('latin1') === 'GIF87a' || buf.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (buf.length >= 12 && buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** Pixel size when the header says it cheaply (png, gif, jpeg SOF, webp VP8X); undefined otherwise. */
export function imageSize(buf: Buffer, mime: ImageMime): { width: number; height: number } | undefined {
  try {
    if (mime === 'image/png' && buf.length >= 24) return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
    if (mime === 'image/gif' && buf.length >= 10) return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
    if (mime === 'image/webp' && buf.length >= 30 && buf.subarray(12, 16).toString('latin1') === 'VP8X') {
      return { width: 1 + buf.readUIntLE(24, 3), height: 1 + buf.readUIntLE(27, 3) };
    }
    if (mime === 'image/jpeg') {
      let i = 2;
      while (i + 9 < buf.length) {
        if (buf[i] !== 0xff) return undefined;
        const marker = buf[i + 1]!;
        const len = buf.readUInt16BE(i + 2);
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return { width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5) };
        }
        i += 2 + len;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const EXT: Record<ImageMime, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };
export const extensionOf = (mime: string): string => EXT[mime as ImageMime] ?? 'bin';

/**
 * Chat images. Stored in the database (blob/bytea) on both engines: one code path, included in
 * backups, and every process of a scaled deployment can serve every file.
 */
export class FilesService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async saveImage(shopId: string, uploader: string, data: Buffer): Promise<ImagePayload> {
    if (data.length === 0) throw new AppError('file.rejected', '文件为空');
    if (data.length > REALTIME_LIMITS.maxImageBytes) throw new AppError('file.too_large', `图片不能超过 ${REALTIME_LIMITS.maxImageBytes / 1024 / 1024} MB`);
    const mime = sniffImage(data);
    if (!mime) throw new AppError('file.rejected', '只支持 PNG、JPEG、GIF、WebP 图片');
    const size = imageSize(data, mime);
    const id = newId('file', this.now());
    await this.db
      .insertInto('attachments')
      .values({
        id,
        shop_id: shopId,
        uploader,
        mime,
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        width: size?.width ?? null,
        height: size?.height ?? null,
        data,
        created_at: this.now(),
      })
      .execute();
    return { fileId: id, url: `/files/${id}`, mime, size: data.length, ...(size && size.width > 0 && size.height > 0 && size.width <= 20000 && size.height <= 20000 ? size : {}) };
  }

  /** Files are addressed by unguessable id (80 random bits); no session is needed to view one. */
  find(id: string) {
    return this.db.selectFrom('attachments').select(['id', 'mime', 'size', 'data']).where('id', '=', id).executeTakeFirst();
  }
}
