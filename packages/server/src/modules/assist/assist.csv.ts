/** CSV for the quick-reply library: RFC 4180 fields, UTF-8 with BOM out, UTF-8 or GBK in. */

/** Decodes an uploaded file: a UTF-8 BOM or valid UTF-8 is UTF-8, anything else is read as GBK (Excel on Chinese Windows). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gbk' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' };
  }
}

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvParse {
  records: CsvRecord[];
  /** Records that could not be read at all (an unterminated quote). */
  errors: { line: number; message: string }[];
}

/** Splits CSV text into records; quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): CsvParse {
  const records: CsvRecord[] = [];
  const errors: CsvParse['errors'] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let broken = false;
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const ch = text[i]!;
      if (ch === '"' && field === '') {
        // Quoted field: read to the closing quote.
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          broken = true;
          errors.push({ line: start, message: '引号没有闭合' });
          break;
        }
        // Garbage after a closing quote is kept (lenient, like Excel).
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        i++;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        fields.push(field);
        i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      field += ch;
      i++;
    }
    if (broken) break;
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    records.push({ line: start, fields });
  }
  return { records, errors };
}

function cell(v: string): string {
  // A leading = + - @ would run as a formula in Excel: prefix a quote (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text with a UTF-8 BOM (so Excel opens Chinese correctly) and CRLF line ends. */
export function formatCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
