import { describe, expect, it } from 'vitest';
import { addressRegion, maskAddress, maskContact, maskName, maskPhone } from './mask.js';

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mobile', () => {
    expect(maskPhone('13812340000')).toBe('138****0000');
    expect(maskPhone('138 1234 0000')).toBe('138****0000');
    expect(maskPhone('+86 138-1234-0000')).toBe('+86 138****0000');
  });
  it('keeps the area code of a landline', () => {
    expect(maskPhone('0571-88886666')).toBe('0571-****6666');
    expect(maskPhone('010 12345678')).toBe('010-****5678');
  });
  it('hides short numbers entirely and leaves empty empty', () => {
    expect(maskPhone('12345')).toBe('****');
    expect(maskPhone('')).toBe('');
  });
  it('never shows the middle digits', () => {
    expect(maskPhone('13812340000')).not.toContain('1234');
  });
});

describe('maskName', () => {
  it('keeps the surname of a Chinese name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('李小龙')).toBe('李**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
  });
  it('a two-character compound-looking name keeps one character', () => {
    expect(maskName('欧阳')).toBe('欧*');
  });
  it('a nickname keeps its first and last character', () => {
    expect(maskName('tb_12345')).toBe('t***5');
    expect(maskName('ab')).toBe('a*');
    expect(maskName('王')).toBe('*');
  });
});

describe('maskAddress', () => {
  it('keeps province and city only', () => {
    expect(maskAddress('浙江省杭州市西湖区文三路100号')).toBe('浙江省杭州市****');
    expect(maskAddress('广西壮族自治区南宁市青秀区民族大道8号')).toBe('广西壮族自治区南宁市****');
    expect(maskAddress('吉林省延边朝鲜族自治州延吉市人民路1号')).toBe('吉林省延边朝鲜族自治州****');
    expect(maskAddress('黑龙江省大兴安岭地区加格达奇区')).toBe('黑龙江省大兴安岭地区****');
  });
  it('a municipality keeps only itself', () => {
    expect(maskAddress('上海市浦东新区世纪大道1号')).toBe('上海市****');
    expect(maskAddress('北京朝阳区建国路')).toBe('北京****');
  });
  it('keeps separators of a spaced address', () => {
    expect(maskAddress('浙江省 杭州市 西湖区 文三路100号')).toBe('浙江省 杭州市 ****');
  });
  it('does not mistake a district for a city', () => {
    expect(maskAddress('浙江杭州西湖区文三路')).toBe('浙江****');
    expect(addressRegion('浙江杭州西湖区文三路')?.city).toBe('');
  });
  it('hides an address it cannot parse', () => {
    expect(maskAddress('文三路100号3幢')).toBe('****');
  });
  it('masks an address object by its province and city', () => {
    expect(maskAddress({ province: '广东省', city: '深圳市' })).toBe('广东省深圳市****');
  });
});

describe('maskContact', () => {
  it('masks the fields that are present', () => {
    expect(maskContact({ id: 'b1', name: '王小明', phone: '13900001111', address: '江苏省苏州市姑苏区' })).toEqual({
      id: 'b1',
      name: '王**',
      phone: '139****1111',
      address: '江苏省苏州市****',
    });
    expect(maskContact({ id: 'b2', phone: '' })).toEqual({ id: 'b2', phone: '' });
  });
});
