import { describe, expect, it } from 'vitest';
import { decodeText, formatCsv, parseCsv } from './assist.csv.js';
import { readCsvReplies } from './assist.library.js';
import { matchesTemplate } from './assist.service.js';

describe('assist CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and reports where records start', () => {
    const r = parseCsv('a,b\r\n"x,1","say ""hi""\nthere"\r\n\r\nlast,row');
    expect(r.errors).toEqual([]);
    expect(r.records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x,1', 'say "hi"\nthere'] },
      { line: 5, fields: ['last', 'row'] },
    ]);
  });

  it('reports an unterminated quote at the line it opened', () => {
    expect(parseCsv('a,b\n1,"open\n2,3').errors).toEqual([{ line: 2, message: '引号没有闭合' }]);
  });

  it('writes a BOM, CRLF and neutralises formula cells; the result reads back', () => {
    const text = formatCsv(['scenario', 'title', 'text'], [['bargain', '=cmd', '亲，"好的",收到']]);
    expect(text.startsWith('\uFEFFscenario')).toBe(true);
    expect(text).toContain(`'=cmd`);
    const back = readCsvReplies(text.slice(1));
    expect(back.errors).toEqual([]);
    expect(back.rows[0]?.value).toMatchObject({ title: '=cmd', text: '亲，"好的",收到' });
  });

  it('decodes UTF-8 (with or without BOM) and falls back to GBK', () => {
    expect(decodeText(Buffer.from('\uFEFF你好', 'utf8'))).toEqual({ text: '你好', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('你好', 'utf8'))).toEqual({ text: '你好', encoding: 'utf-8' });
    expect(decodeText(Uint8Array.of(0xc4, 0xe3, 0xba, 0xc3))).toEqual({ text: '你好', encoding: 'gbk' });
  });

  it('requires a header naming scenario, title and text', () => {
    expect(readCsvReplies('foo,bar\n1,2').errors[0]?.line).toBe(1);
    expect(readCsvReplies('场景,标题,内容\n议价,便宜点,亲～').rows[0]?.value.scenario).toBe('bargain');
  });
});

describe('matchesTemplate', () => {
  it('matches a sent text to a reply whose placeholders were filled', () => {
    expect(matchesTemplate('{买家称呼}您好，我是{客服}', '小王您好，我是小美')).toBe(true);
    expect(matchesTemplate('亲，今天发货', '亲，今天 发货')).toBe(true);
    expect(matchesTemplate('{买家称呼}您好，我是{客服}', '小王你好，我是小美')).toBe(false);
    expect(matchesTemplate('亲，今天发货', '亲，明天发货')).toBe(false);
  });
});
