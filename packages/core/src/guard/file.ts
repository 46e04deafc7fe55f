/** What a file sent by a buyer turned out to be. */
export type FileKind = 'image' | 'video' | 'document' | 'executable' | 'script' | 'archive' | 'macro_office' | 'disguised' | 'unknown';

/** Verdict on a buyer's file: accept or refuse, with a message for the buyer and a warning for the agent. */
export interface FileVerdict {
  accept: boolean;
  kind: FileKind;
  /** Extension from the name, lower case, '' when none. */
  ext: string;
  /** Format recognised from the first bytes (png, jpeg, exe, zip …), '' when unknown or no bytes. */
  detected: string;
  /** True when the bytes were checked, false when only the name and mime type were known. */
  verified: boolean;
  /** For the buyer when refused: polite, in Chinese (seed 001 §6). */
  buyerMessage?: string;
  /** For the agent. */
  agentWarning?: string;
}

export interface ScreenFileOptions {
  /** Accept pdf/txt/csv/docx/xlsx/pptx after checks. Default false: seed 001 says not to take buyers' files at all. */
  acceptDocuments?: boolean;
}

const EXT_KIND: Record<string, FileKind> = {};
const put = (kind: FileKind, exts: string) => exts.split(' ').forEach((e) => (EXT_KIND[e] = kind));
put('executable', 'exe com scr pif msi msp dll cpl ocx sys apk xapk ipa jar app dmg pkg deb rpm lnk appx msix xap run bin gadget');
put('script', 'bat cmd js jse vbs vbe wsf wsh ps1 psm1 psd1 hta sh bash py pl rb reg inf url scf chm html htm xhtml mht mhtml svg php swf lua');
put('archive', 'zip rar 7z gz tgz bz2 tbz xz txz tar cab iso img vhd vhdx arj lzh ace z zst lz');
put('macro_office', 'docm dotm xlsm xltm xlam xla pptm potm ppsm ppam sldm doc dot xls xlt ppt pps');
put('document', 'pdf txt csv docx xlsx pptx rtf');
put('image', 'png jpg jpeg gif webp');
put('video', 'mp4 mov m4v');

/** Dangerous mime types, when no extension says otherwise. */
const MIME_KIND: Array<[RegExp, FileKind]> = [
  [/x-msdownload|x-msdos-program|x-executable|x-dosexec|vnd\.microsoft\.portable-executable|x-msi|android\.package-archive|java-archive|x-apple-diskimage/, 'executable'],
  [/javascript|x-sh|x-bat|x-powershell|vbscript|html|svg/, 'script'],
  [/zip|x-rar|x-7z|gzip|x-tar|x-bzip|x-xz|vnd\.ms-cab/, 'archive'],
  [/macroenabled|msword|vnd\.ms-excel|vnd\.ms-powerpoint/, 'macro_office'],
  [/^image\/(png|jpeg|gif|webp)$/, 'image'],
  [/^video\/(mp4|quicktime)$/, 'video'],
];

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** Latin-1 view of the bytes for cheap searches (zip central directory names are stored uncompressed). */
function latin1(b: Uint8Array): string {
  const part = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i += 8192) s += String.fromCharCode(...b.subarray(i, Math.min(i + 8192, to)));
    return s;
  };
  // Local headers start the file, the central directory ends it: the middle of a big zip adds nothing.
  if (b.length <= 262_144) return part(0, b.length);
  return part(0, 65_536) + part(b.length - 196_608, b.length);
}

/** Recognises a format from the first bytes. */
export function sniffBytes(b: Uint8Array): { format: string; kind: FileKind } | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { format: 'png', kind: 'image' };
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { format: 'jpeg', kind: 'image' };
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return { format: 'gif', kind: 'image' };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return { format: 'webp', kind: 'image' };
  if (ascii(b, 4, 8) === 'ftyp') return { format: 'mp4', kind: 'video' };
  if (startsWith(b, [0x4d, 0x5a])) return { format: 'exe', kind: 'executable' };
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return { format: 'elf', kind: 'executable' };
  for (const sig of [[0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]]) {
    if (startsWith(b, sig)) return { format: 'mach-o', kind: 'executable' };
  }
  if (startsWith(b, [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00])) return { format: 'lnk', kind: 'executable' };
  if (startsWith(b, [0x50, 0x4b]) && (b[2] === 3 || b[2] === 5 || b[2] === 7)) {
    const names = latin1(b);
    if (names.includes('vbaProject.bin')) return { format: 'office-macro', kind: 'macro_office' };
    if (names.includes('AndroidManifest.xml') || names.includes('classes.dex')) return { format: 'apk', kind: 'executable' };
    if (names.includes('META-INF/MANIFEST.MF')) return { format: 'jar', kind: 'executable' };
    if (/\.(?:exe|scr|bat|cmd|js|vbs|ps1|lnk|msi|hta|jar)\b/i.test(names)) return { format: 'zip', kind: 'archive' };
    if (names.includes('[Content_Types].xml') && /(?:word|xl|ppt)\//.test(names)) return { format: 'ooxml', kind: 'document' };
    return { format: 'zip', kind: 'archive' };
  }
  if (startsWith(b, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return { format: 'rar', kind: 'archive' };
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return { format: '7z', kind: 'archive' };
  if (startsWith(b, [0x1f, 0x8b])) return { format: 'gzip', kind: 'archive' };
  if (startsWith(b, [0x42, 0x5a, 0x68])) return { format: 'bzip2', kind: 'archive' };
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return { format: 'xz', kind: 'archive' };
  if (startsWith(b, [0x28, 0xb5, 0x2f, 0xfd])) return { format: 'zstd', kind: 'archive' };
  if (ascii(b, 0, 4) === 'MSCF') return { format: 'cab', kind: 'archive' };
  if (ascii(b, 257, 262) === 'ustar') return { format: 'tar', kind: 'archive' };
  if (ascii(b, 0x8001, 0x8006) === 'CD001') return { format: 'iso', kind: 'archive' };
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { format: 'ole', kind: 'macro_office' };
  if (ascii(b, 0, 5) === '%PDF-') return { format: 'pdf', kind: 'document' };
  if (ascii(b, 0, 5) === '{\\rtf') return { format: 'rtf', kind: 'document' };
  if (startsWith(b, [0x23, 0x21])) return { format: 'shebang', kind: 'script' };
  const head = ascii(b, 0, 512).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (/^<(?:!doctype html|html|script|svg|\?xml[^>]*>\s*<svg|hta:)/.test(head) || head.includes('<svg')) return { format: 'html/svg', kind: 'script' };
  return null;
}

const BIDI_OR_INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/;

const BUYER_REFUSAL =
  '亲，为了您和店铺的账户安全，我们这边不能接收文件哦~ 您需要的宝贝可以一件一件加入购物车再一起结算，有问题直接用文字或图片发给我就好，我马上帮您处理~';

const WARNINGS: Record<FileKind, (ext: string) => string> = {
  executable: (e) => `买家发来的是可执行程序${e ? `（.${e}）` : ''}，可能带木马，已拦截：千万不要下载或打开。`,
  script: (e) => `买家发来的是脚本或网页文件${e ? `（.${e}）` : ''}，打开就会运行，已拦截：不要下载或打开。`,
  archive: (e) => `买家发来的是压缩包${e ? `（.${e}）` : ''}，里面可能藏着木马，已拦截：不要下载解压。`,
  macro_office: (e) => `买家发来的是可以带宏的 Office 文件${e ? `（.${e}）` : ''}，宏病毒会盗取账号，已拦截：不要打开。`,
  disguised: () => '文件的名字和真实内容对不上（伪装扩展名），这是木马的典型手法，已拦截：不要打开。',
  document: (e) => `店铺不接收买家发来的文件${e ? `（.${e}）` : ''}：木马常藏在文件里（种子 001 §6），请买家用文字或图片说明。`,
  unknown: (e) => `无法识别的文件${e ? `（.${e}）` : ''}，已拦截：不要下载或打开。`,
  image: () => '',
  video: () => '',
};

function refuse(kind: FileKind, ext: string, detected: string, verified: boolean): FileVerdict {
  return { accept: false, kind, ext, detected, verified, buyerMessage: BUYER_REFUSAL, agentWarning: WARNINGS[kind](ext) };
}

const DANGEROUS: ReadonlySet<FileKind> = new Set(['executable', 'script', 'archive', 'macro_office']);

/**
 * Decides whether a file a buyer sent may be shown to the agent. Images (png/jpeg/gif/webp) and short videos are
 * accepted when their first bytes agree; executables, scripts, archives and macro-capable Office files are refused.
 * QR codes inside images are not detected (docs/COACH.md).
 */
export function screenFile(file: { name: string; mime?: string; bytes?: Uint8Array }, opts: ScreenFileOptions = {}): FileVerdict {
  const name = (file.name ?? '').replace(/[\s.]+$/u, '');
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
  const sniff = file.bytes && file.bytes.length > 0 ? sniffBytes(file.bytes) : null;
  const verified = sniff !== null;
  const detected = sniff?.format ?? '';
  const mimeKind = MIME_KIND.find(([re]) => re.test((file.mime ?? '').toLowerCase()))?.[1];
  const extKind: FileKind | undefined = ext ? EXT_KIND[ext] : mimeKind;

  if (BIDI_OR_INVISIBLE.test(file.name ?? '')) return refuse('disguised', ext, detected, verified);
  if (sniff && DANGEROUS.has(sniff.kind)) {
    if (extKind === 'image' || extKind === 'video' || extKind === 'document') {
      // A document extension on an OOXML zip with macros, or an exe named .jpg: the name lies.
      return refuse(sniff.kind === 'macro_office' ? 'macro_office' : 'disguised', ext, detected, verified);
    }
    return refuse(sniff.kind, ext, detected, verified);
  }
  if (extKind && DANGEROUS.has(extKind)) return refuse(extKind, ext, detected, verified);
  if (mimeKind && DANGEROUS.has(mimeKind)) return refuse(mimeKind, ext, detected, verified);

  if (extKind === 'image' || extKind === 'video') {
    if (file.bytes && file.bytes.length > 0) {
      if (sniff?.kind !== extKind) return refuse('disguised', ext, detected, verified);
    }
    return { accept: true, kind: extKind, ext, detected, verified };
  }
  if (extKind === undefined && sniff && (sniff.kind === 'image' || sniff.kind === 'video') && ext === '') {
    return { accept: true, kind: sniff.kind, ext, detected, verified };
  }
  if (extKind === 'document') {
    if (!opts.acceptDocuments) return refuse('document', ext, detected, verified);
    if (file.bytes && file.bytes.length > 0) {
      const textLike = ext === 'txt' || ext === 'csv';
      const ok = textLike ? !file.bytes.subarray(0, 4096).includes(0) && sniff === null : sniff?.kind === 'document';
      if (!ok) return refuse('disguised', ext, detected, verified);
    }
    return { accept: true, kind: 'document', ext, detected, verified };
  }
  return refuse('unknown', ext, detected, verified);
}
