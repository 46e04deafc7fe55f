/** Mask for lists: mobile 138****0000, landline 0571-****6666, else first 3 and last 4 digits kept. */
export function maskPhone(phone: string): string {
  const raw = phone.trim();
  if (!raw) return '';
  const plus = raw.startsWith('+');
  let digits = raw.replace(/\D/g, '');
  let prefix = '';
  const cc = /^(86)(1[3-9]\d{9})$/.exec(digits);
  if (cc) {
    prefix = `${plus ? '+' : ''}86 `;
    digits = cc[2] ?? '';
  }
  if (/^1[3-9]\d{9}$/.test(digits)) return `${prefix}${digits.slice(0, 3)}****${digits.slice(-4)}`;
  const landline = /^(0\d{2,3})[\s-]?(\d{7,8})(?:\D+\d+)?$/.exec(raw.replace(/^\+?86[\s-]?/, ''));
  if (landline) return `${landline[1]}-****${(landline[2] ?? '').slice(-4)}`;
  if (digits.length >= 8) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  // Too short to keep anything without giving it away.
  return '****';
}

const COMPOUND_SURNAMES = [
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐', '独孤', '南宫', '西门', '端木', '百里', '呼延', '澹台', '万俟', '申屠', '钟离', '闻人',
];

const HAN = /^[\u3400-\u9fff·•]+$/u;

/**
 * Mask a name: a Chinese real name keeps its surname (张* / 欧阳**); a nickname keeps its first and
 * last character (t***9); a single character becomes *.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (!chars.length) return '';
  if (chars.length === 1) return '*';
  const s = chars.join('');
  if (HAN.test(s) && chars.length <= 6) {
    const keep = chars.length >= 3 && COMPOUND_SURNAMES.some((c) => s.startsWith(c)) ? 2 : 1;
    return s.slice(0, keep) + '*'.repeat(chars.length - keep);
  }
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}***${chars[chars.length - 1]}`;
}

const PROVINCES = [
  '北京', '天津', '上海', '重庆', '河北', '山西', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南', '湖北', '湖南', '广东', '海南', '四川', '贵州', '云南', '陕西', '甘肃', '青海', '台湾', '内蒙古', '广西', '西藏', '宁夏', '新疆', '香港', '澳门',
];
const MUNICIPALITIES = ['北京', '天津', '上海', '重庆'];
const SARS = ['香港', '澳门', '台湾'];

/** Splits off the province and city of a Chinese address (`sep`: the separator between them); null when no province is recognised. */
export function addressRegion(address: string): { province: string; city: string; rest: string; sep: string } | null {
  const s = address.trim();
  const short = PROVINCES.filter((p) => s.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  if (!short) return null;
  const suffix = /^(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)/.exec(s.slice(short.length));
  const province = short + (suffix?.[0] ?? '');
  let rest = s.slice(province.length);
  const sep = /^[\s,，]*/.exec(rest)?.[0] ?? '';
  rest = rest.slice(sep.length);
  if (MUNICIPALITIES.includes(short) || SARS.includes(short)) return { province, city: '', rest, sep: '' };
  const city = /^(?:[^\s,，区县路街道镇乡村号]{1,12}?(?:自治州|市|盟)|[^\s,，县路街道镇乡村号]{1,8}?地区)/.exec(rest)?.[0] ?? '';
  return { province, city, rest: rest.slice(city.length).replace(/^[\s,，]+/, ''), sep: city ? sep : '' };
}

/** Mask an address for lists: keep province and city, hide everything after (浙江省杭州市****). */
export function maskAddress(address: string | { province: string; city: string }): string {
  if (typeof address !== 'string') {
    const region = `${address.province.trim()}${address.city.trim()}`;
    return region ? `${region}****` : '****';
  }
  if (!address.trim()) return '';
  const r = addressRegion(address);
  if (!r) return '****';
  const gap = r.sep ? ' ' : '';
  return `${r.province}${gap}${r.city}${gap}****`;
}

/** The personal fields a list shows, masked. */
export function maskContact<T extends { name?: string; phone?: string; address?: string }>(c: T): T {
  return {
    ...c,
    ...(c.name !== undefined ? { name: maskName(c.name) } : {}),
    ...(c.phone !== undefined ? { phone: maskPhone(c.phone) } : {}),
    ...(c.address !== undefined ? { address: maskAddress(c.address) } : {}),
  };
}
