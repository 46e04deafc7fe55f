import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, maskPhones } from './logging.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: pino(loggerOptions('info'), stream), lines };
}

describe('logging', () => {
  it('masks mobile numbers inside any text', () => {
    expect(maskPhones('买家电话 13812340000，备用 15900001111')).toBe('买家电话 138****0000，备用 159****1111');
    expect(maskPhones('订单号 2013091012345678901')).toBe('订单号 2013091012345678901');
  });

  it('never writes a password or a full phone number', () => {
    const { log, lines } = capture();
    log.info({ body: { email: 'a@b.cn', password: 'hunter2-secret' }, buyer: { phone: '13812340000' } }, '买家 13812340000 登录');
    const out = lines.join('');
    expect(out).not.toContain('hunter2-secret');
    expect(out).not.toContain('13812340000');
    expect(out).toContain('138****0000');
    expect(out).toContain('a@b.cn');
  });

  it('request logs keep the method, path and status, with phone numbers in the path masked', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const app = Fastify({ logger: { ...loggerOptions('info'), stream } });
    app.get('/api/buyers', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/api/buyers?q=13812340000', headers: { cookie: 'kefu_session=secret-cookie' } });
    await app.close();
    const entries = lines.map((l) => JSON.parse(l) as { req?: { method?: string; url?: string }; res?: { statusCode?: number } });
    const incoming = entries.find((e) => e.req);
    expect(incoming?.req).toMatchObject({ method: 'GET', url: '/api/buyers?q=138****0000' });
    expect(entries.find((e) => e.res)?.res).toEqual({ statusCode: 200 });
    const out = lines.join('');
    expect(out).not.toContain('13812340000');
    expect(out).not.toContain('secret-cookie');
  });
});
