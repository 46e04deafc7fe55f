import { describe, expect, it } from 'vitest';
import { computeKpis } from '../kpi/index.js';
import { cleanCell, decodeExport, parseChatJsonl, parseCsv, parseMoney, parseTaobaoOrders } from './index.js';

const utf8 = (s: string, bom = false): Uint8Array => {
  const body = new TextEncoder().encode(s);
  if (!bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
};
const hex = (h: string): Uint8Array => new Uint8Array(h.match(/../g)!.map((b) => parseInt(b, 16)));

// `iconv -t GBK` of: 订单编号,买家会员名,买家实际支付金额,订单状态,订单创建时间,订单付款时间 ⏎ ="1001",小雨,￥12.50,交易成功,2013-09-01 10:00:00,2013-09-01 10:01:00
const GBK_SAMPLE =
  'b6a9b5a5b1e0bac52cc2f2bcd2bbe1d4b1c3fb2cc2f2bcd2cab5bccad6a7b8b6bdf0b6ee2cb6a9b5a5d7b4ccac2cb6a9b5a5b4b4bda8cab1bce42cb6a9b5a5b8b6bfeecab1bce4200d0a3d2231303031222cd0a1d3ea2ca3a431322e35302cbdbbd2d7b3c9b9a62c323031332d30392d30312031303a30303a30302c323031332d30392d30312031303a30313a30300d0a';

const HEADER = '订单编号,买家会员名,买家实际支付金额,订单状态,买家留言,联系手机,订单创建时间,订单付款时间 ,宝贝总数量,退款金额\r\n';

describe('decodeExport', () => {
  it('reads GBK without BOM, UTF-8 with and without BOM', () => {
    expect(decodeExport(hex(GBK_SAMPLE))).toMatchObject({ encoding: 'gbk' });
    expect(decodeExport(hex(GBK_SAMPLE)).text.startsWith('订单编号,买家会员名')).toBe(true);
    expect(decodeExport(utf8('订单编号', true))).toEqual({ text: '订单编号', encoding: 'utf-8' });
    expect(decodeExport(utf8('订单编号'))).toEqual({ text: '订单编号', encoding: 'utf-8' });
  });
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded newlines and delimiters, with physical line numbers', () => {
    const r = parseCsv('a,b,c\r\n1,"x,y","he said ""hi"""\r\n2,"line1\nline2",z\n3,q,r');
    expect(r.errors).toEqual([]);
    expect(r.records).toEqual([
      { line: 2, fields: ['1', 'x,y', 'he said "hi"'] },
      { line: 3, fields: ['2', 'line1\nline2', 'z'] },
      { line: 5, fields: ['3', 'q', 'r'] },
    ]);
  });

  it('reports a stray quote or a wrong column count at its line and keeps the rest', () => {
    const r = parseCsv('a,b,c\n1,"open,x\n2,y,z\n3,only\n4,p,q\n');
    expect(r.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(r.records.map((x) => x.fields[0])).toEqual(['2', '4']);
  });
});

describe('parseTaobaoOrders', () => {
  it('reads the GBK export of Seller Center', () => {
    const r = parseTaobaoOrders(hex(GBK_SAMPLE));
    expect(r.errors).toEqual([]);
    expect(r.encoding).toBe('gbk');
    expect(r.orders).toEqual([
      {
        id: '1001',
        buyer: '小雨',
        amount: 12.5,
        status: '交易成功',
        createdAt: '2013-09-01T10:00:00+08:00',
        paidAt: '2013-09-01T10:01:00+08:00',
        quantity: 1,
        refundAmount: null,
        line: 2,
      },
    ]);
  });

  it('tolerates trailing-space headers, ="…" ids, \' phones, Excel dates and empty 付款时间; reports broken lines', () => {
    const csv =
      HEADER +
      '="2013090100001",快乐的小雨,59.00,交易成功,,\'13800000001,2013/9/1 10:05,2013-09-01 10:06:33,2,0.00\r\n' +
      '"=""2013090100002""",星星点灯,89,等待买家付款,"尺码偏大吗？\r\n我平时穿M",,2013-09-01 11:00:00,,1,\r\n' +
      '="2013090100003",坏行,abc,交易成功,,,2013-09-01 11:00:00,,1,\r\n' +
      '="2013090100004",木子,128.50,交易关闭,,,2013-09-01 12:00:00,2013-09-01 12:01:00,1,128.50\r\n' +
      '="2013090100005",,10,交易成功,,,2013-09-01 11:00:00,,1,\r\n';
    const r = parseTaobaoOrders(utf8(csv, true));
    expect(r.encoding).toBe('utf-8');
    expect(r.errors).toEqual([
      { line: 5, reason: '买家实际支付金额不是金额：abc' },
      { line: 7, reason: '买家会员名为空' },
    ]);
    expect(r.orders.map((o) => [o.id, o.line])).toEqual([
      ['2013090100001', 2],
      ['2013090100002', 3],
      ['2013090100004', 6],
    ]);
    const [a, b, c] = r.orders;
    expect(a).toMatchObject({ mobile: '13800000001', createdAt: '2013-09-01T10:05:00+08:00', quantity: 2, refundAmount: 0 });
    expect(b).toMatchObject({ paidAt: null, amount: 89, refundAmount: null });
    expect(c).toMatchObject({ refundAmount: 128.5 });
  });

  it('reads times in the given zone', () => {
    const csv = '订单编号,买家会员名,买家实际支付金额,订单创建时间,订单付款时间\n1,a,1,2013-09-01 10:00:00,\n';
    expect(parseTaobaoOrders(utf8(csv), { tz: 'UTC' }).orders[0]!.createdAt).toBe('2013-09-01T10:00:00+00:00');
  });

  it('rejects a file without the needed columns in one error on the header line', () => {
    const r = parseTaobaoOrders(utf8('宝贝标题,价格\n连衣裙,89\n'));
    expect(r.orders).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.line).toBe(1);
    expect(r.errors[0]!.reason).toContain('订单编号');
  });

  it('reports duplicate order ids', () => {
    const csv = '订单编号,买家会员名,买家实际支付金额,订单创建时间,订单付款时间\n1,a,1,2013-09-01 10:00:00,\n1,a,1,2013-09-01 10:00:00,\n';
    expect(parseTaobaoOrders(utf8(csv)).errors).toEqual([{ line: 3, reason: '订单编号重复：1' }]);
  });

  it('feeds the KPI engine directly', () => {
    const r = parseTaobaoOrders(hex(GBK_SAMPLE));
    const k = computeKpis(
      {
        messages: [
          { buyer: '小雨', from: 'buyer', at: '2013-09-01T09:59:00+08:00' },
          { buyer: '小雨', from: 'agent', agent: '小美', at: '2013-09-01T09:59:30+08:00' },
        ],
        orders: r.orders,
      },
      { from: '2013-09-01', to: '2013-09-01' },
    );
    expect(k.revenue).toBe(12.5);
    expect(k.payers).toBe(1);
  });
});

describe('cells', () => {
  it('cleans cells and money', () => {
    expect(cleanCell('="2013090100001" ')).toBe('2013090100001');
    expect(cleanCell("'13800000001")).toBe('13800000001');
    expect(cleanCell('\t560000000001')).toBe('560000000001');
    expect(parseMoney('¥12.50')).toBe(12.5);
    expect(parseMoney('￥1,234.5')).toBe(1234.5);
    expect(parseMoney('')).toBe(0);
    expect(parseMoney('十二块')).toBeNaN();
  });
});

describe('parseChatJsonl', () => {
  it('reads messages and reports bad lines with their numbers', () => {
    const text = [
      '{"buyer":"tb_1","from":"buyer","text":"在吗","at":"2013-09-01T10:00:00+08:00"}',
      '',
      '{"buyer":"tb_1","from":"agent","agent":"小美","text":"亲，在的","at":"2013-09-01T10:00:20+08:00"}',
      '{"buyer":"tb_1","from":"robot","at":"2013-09-01T10:00:20+08:00"}',
      'not json',
      '{"buyer":"tb_1","from":"buyer","at":"明天"}',
      '{"from":"buyer","at":"2013-09-01T10:00:00+08:00"}',
      '{"buyer":"tb_2","from":"buyer","at":"2013-09-01 10:00:00"}',
    ].join('\n');
    const r = parseChatJsonl(text);
    expect(r.errors.map((e) => e.line)).toEqual([4, 5, 6, 7]);
    expect(r.messages).toHaveLength(3);
    expect(r.messages[1]).toMatchObject({ from: 'agent', agent: '小美', at: Date.parse('2013-09-01T02:00:20Z') });
    expect(r.messages[2]!.at).toBe(Date.parse('2013-09-01T02:00:00Z'));
  });
});
