/** A bad line of an input file, with its physical (1-based) line number. */
export interface LineError {
  line: number;
  reason: string;
}

/** One CSV record and the physical line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Detects the text encoding of an export and decodes it: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK. */
export function decodeExport(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gbk' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Seller Center exports without BOM are GBK; GBK bytes are almost never valid UTF-8.
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' };
  }
}

interface Scan {
  fields: string[];
  end: number;
  endLine: number;
  error: string | null;
}

/**
 * RFC 4180 reader: quoted fields with `""` escapes, embedded newlines and delimiters, CRLF or LF.
 * A record with an unclosed quote, junk after a closing quote, or (when it spans lines) the wrong field count
 * is reported at its first line and reading resumes on the next physical line, so one bad line loses only itself.
 * The first non-blank record is the header; its width is the expected field count. Blank lines are skipped.
 */
export function parseCsv(text: string, delimiter = ','): { header: CsvRecord | null; records: CsvRecord[]; errors: LineError[] } {
  const records: CsvRecord[] = [];
  const errors: LineError[] = [];
  let header: CsvRecord | null = null;
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    const startLine = line;
    const scan = scanRecord(text, pos, line, delimiter);
    const width = header?.fields.length;
    let error = scan.error;
    // Tolerate empty cells beyond the header's width (a trailing delimiter on data lines).
    if (width !== undefined) while (scan.fields.length > width && scan.fields[scan.fields.length - 1]!.trim() === '') scan.fields.pop();
    if (error === null && width !== undefined && scan.fields.length !== width && !isBlank(scan.fields)) {
      error = `列数不对：应有 ${width} 列，实有 ${scan.fields.length} 列`;
    }
    if (error !== null) {
      const next = nextLineStart(text, pos);
      const spans = next < scan.end;
      errors.push({ line: startLine, reason: spans && scan.error !== null ? '引号没有配对（多了或少了一个 "），这一行读不出来' : error });
      if (spans) {
        // The record swallowed later lines (a stray quote): resume right after its first physical line.
        pos = next;
        line = startLine + 1;
        continue;
      }
      pos = scan.end;
      line = scan.endLine;
      continue;
    }
    pos = scan.end;
    line = scan.endLine;
    if (isBlank(scan.fields)) continue;
    if (header === null) header = { line: startLine, fields: scan.fields };
    else records.push({ line: startLine, fields: scan.fields });
  }
  return { header, records, errors };
}

function isBlank(fields: string[]): boolean {
  return fields.length === 1 && fields[0]!.trim() === '';
}

function nextLineStart(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  return i === -1 ? text.length : i + 1;
}

/** Reads one record from `pos`; `end` is just past its line break. */
function scanRecord(text: string, pos: number, line: number, delim: string): Scan {
  const fields: string[] = [];
  const n = text.length;
  let i = pos;
  let error: string | null = null;
  for (;;) {
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      let chunkStart = i;
      while (i < n) {
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += text.slice(chunkStart, i + 1);
            i += 2;
            chunkStart = i;
            continue;
          }
          value += text.slice(chunkStart, i);
          i++;
          closed = true;
          break;
        }
        if (c === '\n') line++;
        i++;
      }
      if (!closed) {
        value += text.slice(chunkStart, i);
        error ??= '引号没有闭合';
      } else if (i < n && text[i] !== delim && text[i] !== '\r' && text[i] !== '\n') {
        // Junk after a closing quote: keep it as text but flag the record.
        const stop = findFieldEnd(text, i, delim);
        value += text.slice(i, stop);
        i = stop;
        error ??= '引号后面多了字符';
      }
    } else {
      const stop = findFieldEnd(text, i, delim);
      value = text.slice(i, stop);
      i = stop;
    }
    fields.push(value);
    if (i >= n) return { fields, end: n, endLine: line, error };
    const c = text[i];
    if (c === delim) {
      i++;
      continue;
    }
    // Line break: \r\n, \n or a lone \r.
    if (c === '\r') i++;
    if (text[i] === '\n') i++;
    return { fields, end: i, endLine: line + 1, error };
  }
}

function findFieldEnd(text: string, i: number, delim: string): number {
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === delim || c === '\n' || c === '\r') return i;
    i++;
  }
  return n;
}
