import type { Platform } from '@kefu/contracts';
import type { CoachFlagId, CoachRules, PhraseRule } from './types.js';

// Word lists are data (docs/COACH.md explains each entry's context). Matching is done on folded text
// (lower-case ASCII, half-width, simplified), so entries are written in lower case and simplified script.

const REFUSAL_SUGGESTION = '亲，这个暂时做不到呢，因为……，不过我们可以帮您……哦~';
const BARGAIN_SUGGESTION = '亲，我们家价格都是实价的呢，不过今天拍下可以帮您申请包邮/送您一张优惠券哦~';

/** Cold, hard, dismissive phrases (seed 000 §一.3 冷硬横; seed 004). */
export const DEFAULT_COLD: PhraseRule[] = [
  { phrase: '我们从来不降价', suggestion: BARGAIN_SUGGESTION },
  { phrase: '从来不降价', suggestion: BARGAIN_SUGGESTION },
  { phrase: '本店坚决不议价', suggestion: BARGAIN_SUGGESTION },
  { phrase: '坚决不议价', suggestion: BARGAIN_SUGGESTION },
  { phrase: '坚决不还价', suggestion: BARGAIN_SUGGESTION },
  { phrase: '你找别家看看吧', suggestion: '亲，我们家的品质和售后您可以放心的，价格上我帮您看看有没有能用的优惠券哦~' },
  { phrase: '找别家', suggestion: '亲，我们家的品质和售后您可以放心的，我帮您看看还有什么优惠哦~' },
  { phrase: '去别家', suggestion: '亲，我们家的品质和售后您可以放心的，我帮您看看还有什么优惠哦~' },
  { phrase: '别家买', suggestion: '亲，我们家的品质和售后您可以放心的，我帮您看看还有什么优惠哦~' },
  { phrase: '我们就是这样的', suggestion: '亲，我们这边的规定是这样的呢，因为……，还请您理解哦，我帮您看看有没有别的办法~' },
  { phrase: '我们就是这样', suggestion: '亲，我们这边的规定是这样的呢，因为……，还请您理解哦~' },
  { phrase: '爱买不买', suggestion: BARGAIN_SUGGESTION },
  { phrase: '爱要不要', suggestion: BARGAIN_SUGGESTION },
  { phrase: '不买拉倒', suggestion: BARGAIN_SUGGESTION },
  { phrase: '嫌贵别买', suggestion: '亲，一分钱一分货呢，我们用料和做工您收到就能感受到，今天拍下还可以帮您申请包邮哦~' },
  { phrase: '嫌贵就别买', suggestion: '亲，一分钱一分货呢，我们用料和做工您收到就能感受到，今天拍下还可以帮您申请包邮哦~' },
  { phrase: '少一分都不行', suggestion: BARGAIN_SUGGESTION },
  { phrase: '随便你', suggestion: '亲，您看哪种方式更方便，我这边都可以配合您哦~' },
  { phrase: '随你便', suggestion: '亲，您看哪种方式更方便，我这边都可以配合您哦~' },
  { phrase: '关我什么事', suggestion: '亲，这个情况我来帮您跟进处理，请您稍等哦~' },
  { phrase: '不关我们的事', suggestion: '亲，这个情况我来帮您跟进处理，请您稍等哦~' },
  { phrase: '跟我们没关系', suggestion: '亲，这个情况我来帮您跟进处理，请您稍等哦~' },
  { phrase: '与我们无关', suggestion: '亲，这个情况我来帮您跟进处理，请您稍等哦~' },
  { phrase: '不归我们管', suggestion: '亲，这个我帮您联系负责的同事处理，请您稍等哦~' },
  { phrase: '不归我管', suggestion: '亲，这个我帮您联系负责的同事处理，请您稍等哦~' },
  { phrase: '不是我们的问题', suggestion: '亲，给您带来不便非常抱歉，我马上帮您查一下原因哦~' },
  { phrase: '不是我们的责任', suggestion: '亲，给您带来不便非常抱歉，我马上帮您查一下原因哦~' },
  { phrase: '说了多少遍', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  { phrase: '说过多少遍', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  { phrase: '听不懂吗', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  { phrase: '看不懂吗', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  { phrase: '没看到吗', suggestion: '亲，我再把详细情况跟您说一下哦~' },
  { phrase: '烦不烦', suggestion: '亲，您别着急，我来帮您一起看看哦~' },
  { phrase: '有完没完', suggestion: '亲，您别着急，我来帮您一起看看哦~' },
  { phrase: '催什么', suggestion: '亲，理解您着急的心情，我马上帮您催一下哦~' },
  { phrase: '急什么', suggestion: '亲，理解您着急的心情，我马上帮您催一下哦~' },
  { phrase: '问快递去', suggestion: '亲，我这边帮您联系快递查一下，有消息第一时间告诉您哦~' },
  { phrase: '你问快递', suggestion: '亲，我这边帮您联系快递查一下，有消息第一时间告诉您哦~' },
  { phrase: '找快递去', suggestion: '亲，我这边帮您联系快递查一下，有消息第一时间告诉您哦~' },
  { phrase: '自己去查', suggestion: '亲，我帮您查一下，请稍等哦~' },
  { phrase: '自己查', mode: 'unsoftened', suggestion: '亲，我帮您查一下，请稍等哦~' },
  { phrase: '自己看', mode: 'unsoftened', suggestion: '亲，我把详情发给您，您看一下哦~ 有不清楚的随时问我~' },
  { phrase: '你自己', mode: 'unsoftened', suggestion: '亲，我来帮您看一下哦~' },
  { phrase: '不知道', mode: 'unsoftened', suggestion: '亲，这个我马上帮您确认一下，请稍等哦~' },
  { phrase: '不清楚', mode: 'unsoftened', suggestion: '亲，这个我马上帮您确认一下，请稍等哦~' },
  { phrase: '没办法', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '没有办法', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '不议价', mode: 'unsoftened', notBefore: ['谢绝'], suggestion: BARGAIN_SUGGESTION },
  { phrase: '不还价', mode: 'unsoftened', suggestion: BARGAIN_SUGGESTION },
  { phrase: '不讲价', mode: 'unsoftened', suggestion: BARGAIN_SUGGESTION },
  { phrase: '不降价', mode: 'unsoftened', suggestion: BARGAIN_SUGGESTION },
  { phrase: '不包邮', mode: 'unsoftened', suggestion: '亲，这款是不包邮的呢，因为……，不过满……可以包邮哦~' },
  { phrase: '就这个价', mode: 'unsoftened', suggestion: BARGAIN_SUGGESTION },
  { phrase: '就这价', mode: 'unsoftened', suggestion: BARGAIN_SUGGESTION },
  { phrase: '不行', mode: 'unsoftened', notBefore: ['行', '可'], notAfter: ['的话'], suggestion: REFUSAL_SUGGESTION },
  { phrase: '不能', mode: 'unsoftened', notBefore: ['能', '可'], notAfter: ['不'], suggestion: REFUSAL_SUGGESTION },
  { phrase: '不可以', mode: 'unsoftened', notBefore: ['可'], suggestion: REFUSAL_SUGGESTION },
  { phrase: '不可能', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '做不到', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '办不到', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '不支持', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '不接受', mode: 'unsoftened', suggestion: REFUSAL_SUGGESTION },
  { phrase: '不退', mode: 'unsoftened', notAfter: ['色', '换', '款', '货', '还', '回', '出'], suggestion: REFUSAL_SUGGESTION },
  { phrase: '不换', mode: 'unsoftened', notAfter: ['货'], suggestion: REFUSAL_SUGGESTION },
  { phrase: '没货', mode: 'unsoftened', suggestion: '亲，这款暂时没货了呢，不过……也很适合您，我发给您看看哦~' },
  { phrase: '没有', mode: 'bare', notBefore: ['有'], suggestion: '亲，这个暂时没有呢，不过……也很适合您，我发给您看看哦~' },
  { phrase: '没了', mode: 'bare', suggestion: '亲，这个暂时没有了呢，您可以收藏店铺，上新第一时间通知您哦~' },
  { phrase: '不是', mode: 'bare', suggestion: '亲，不是的呢，……（说明实际情况）哦~' },
  { phrase: '不会', mode: 'bare', suggestion: '亲，一般不会的呢，……（说明原因）哦~' },
  { phrase: '等着吧', mode: 'unsoftened', suggestion: '亲，请您再耐心等一下，我这边帮您盯着，有消息马上告诉您哦~' },
  { phrase: '等着', mode: 'bare', suggestion: '亲，请您再耐心等一下，我这边帮您盯着，有消息马上告诉您哦~' },
  { phrase: '没空', mode: 'unsoftened', suggestion: '亲，不好意思让您久等了，我马上帮您处理哦~' },
  { phrase: '早说了', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  { phrase: '不是说了吗', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  { phrase: '跟你说过了', suggestion: '亲，可能是我刚才没说清楚，我再跟您详细说明一下哦~' },
  // Seed 000: avoid emoticons of 无奈/皱眉/汗 that convey ill will.
  ...['[汗]', '[无奈]', '[皱眉]', '[白眼]', '[鄙视]', '[撇嘴]', '[发怒]', '[抓狂]', '[怒]', '[冷汗]', '[不耐烦]', '[哼]', '[衰]'].map(
    (phrase): PhraseRule => ({ phrase, message: '这个表情会传达无奈或不满，容易引起误会：换成微笑、握手这类善意的表情。', suggestion: '[微笑]' }),
  ),
  ...['🙄', '😒', '😤', '😑', '😓', '💢', '🖕', '😠', '😡'].map(
    (phrase): PhraseRule => ({ phrase, message: '这个表情会传达无奈或不满，容易引起误会：换成😊这类善意的表情。', suggestion: '😊' }),
  ),
];

/** Softeners that, after a refusal in the same sentence, make it polite (不能……的呢). */
export const DEFAULT_SOFTENERS = [
  '呢', '哦', '噢', '喔', '亲', '呀', '啦', '哈', '嘛', '~', '～',
  '请您理解', '请理解', '谅解', '见谅', '抱歉', '不好意思', '理解一下', '[微笑]', '😊', '🙂', '^_^', ':)',
];

/** A reason or an alternative anywhere in the sentence (拒绝委婉: 说明原因, 转移焦点). */
export const DEFAULT_REASON_MARKERS = [
  '因为', '由于', '所以', '不过', '但是', '可是', '只是', '但', '建议', '可以', '推荐', '或者', '要不', '换成',
  '帮您', '为您', '给您', '送您', '规定', '原因', '为了', '如果', '包邮', '优惠券', '会员', '积分',
];

/** Absolute promises (seed 001 §4.6: do not use 一定, 保证, 绝对 casually; leave room). */
export const DEFAULT_ABSOLUTE: PhraseRule[] = [
  { phrase: '绝对', notAfter: ['值'], notBefore: ['不'], suggestion: '请放心' },
  { phrase: '保证', notBefore: ['不', '不能', '无法', '没法', '很难', '难以', '不敢', '需要', '需', '请', '要', '请您'], suggestion: '会尽力' },
  { phrase: '担保', notBefore: ['不', '无法'], suggestion: '会尽力' },
  { phrase: '一定', notBefore: ['不', '说不', '有', '一', '到', '达到', '在'], notAfter: ['程度', '要', '的', '温度', '时间', '范围', '数量', '比例'], suggestion: '会尽量' },
  { phrase: '肯定', notBefore: ['不', '得到', '的'], notAfter: ['理解', '知道', '明白', '懂', '清楚', '也知道'], suggestion: '应该' },
  { phrase: '百分之百', notAfter: ['棉', '纯', '羊', '真丝', '蚕丝', '涤', '聚酯', '亚麻', '含量'], suggestion: '非常' },
  { phrase: '百分百', notAfter: ['棉', '纯', '羊', '真丝', '蚕丝', '涤', '聚酯', '亚麻', '含量'], suggestion: '非常' },
  { phrase: '100%', notAfter: ['棉', '纯', '羊', '真丝', '蚕丝', '涤', '聚酯', '亚麻', '含量', ' 棉', 'cotton'], suggestion: '非常' },
  { phrase: '永远', notBefore: ['不会'], suggestion: '长期' },
  { phrase: '永不', suggestion: '基本不会' },
  { phrase: '绝不', suggestion: '基本不会' },
  { phrase: '绝无', suggestion: '基本没有' },
  { phrase: '万无一失', suggestion: '比较稳妥' },
  { phrase: '保准', suggestion: '应该' },
  { phrase: '准保', suggestion: '应该' },
  { phrase: '打包票', suggestion: '会尽力' },
  { phrase: '包您满意', suggestion: '希望您满意' },
  { phrase: '零风险', suggestion: '有售后保障' },
  { phrase: '无效退款', suggestion: '有问题可以联系我们售后' },
  { phrase: '必定', suggestion: '会尽量' },
  { phrase: '一律', notBefore: ['不'], suggestion: '一般' },
];

const NOT_SUPERLATIVE_AFTER_ZUI = [
  '近', '后', '终', '初', '少', '多', '迟', '晚', '起码', '先', '早', '主要', '常', '爱', '喜欢',
  '新物流', '新消息', '新进度', '新情况', '新状态', '新动态', '新通知', '新信息',
];

/** PRC Advertising Law art. 9 (3): 国家级, 最高级, 最佳 and similar words. */
export const DEFAULT_AD_LAW: PhraseRule[] = [
  { phrase: '全网最低', suggestion: '很实惠' },
  { phrase: '全网最便宜', suggestion: '很实惠' },
  { phrase: '全网第一', suggestion: '很受欢迎' },
  { phrase: '全国第一', suggestion: '很受欢迎' },
  { phrase: '全球首发', suggestion: '新品上市' },
  { phrase: '全国首发', suggestion: '新品上市' },
  // Claims (最好的/最好看) first: the longer entry decides, so 您最好手洗 stays advice but 给您最好的服务 is flagged.
  ...['最好的', '最好看', '最好用', '最好穿', '最好吃'].map((phrase): PhraseRule => ({ phrase, suggestion: `很${phrase.slice(2) === '的' ? '好的' : phrase.slice(2)}` })),
  { phrase: '最好', notBefore: ['您', '你', '亲'], notAfter: ['是', '先', '再', '不要', '别', '手洗', '选', '拍', '量', '提前', '还是', '能', '给', '在', '用', '参考', '按'], suggestion: '很好' },
  { phrase: '最低价', suggestion: '优惠价' },
  { phrase: '最低', suggestion: '很低' },
  { phrase: '最便宜', suggestion: '很实惠' },
  { phrase: '最优惠', suggestion: '很优惠' },
  { phrase: '最实惠', suggestion: '很实惠' },
  { phrase: '最佳', suggestion: '很好' },
  { phrase: '最优', suggestion: '优质' },
  { phrase: '最大', notAfter: ['支持', '容量', '承重', '功率', '尺寸', '可', '能', '负载', '载重'], suggestion: '很大' },
  { phrase: '最高', notAfter: ['支持', '可', '能', '温度', '承重', '时速', '转速'], suggestion: '很高' },
  { phrase: '最快', suggestion: '尽快' },
  { phrase: '最适合', suggestion: '很适合' },
  { phrase: '最新款', suggestion: '新款' },
  { phrase: '最', notAfter: NOT_SUPERLATIVE_AFTER_ZUI, suggestion: '很' },
  { phrase: '第一', notAfter: ['次', '时间', '天', '步', '件', '单', '页', '张', '条', '批', '眼', '点', '个问题', '位', '印象', '种', '名买家', '款', '排', '行', '列', '栏', '项', '层', '个订单'], suggestion: '很受欢迎' },
  { phrase: 'no.1', suggestion: '热销' },
  { phrase: 'top1', suggestion: '热销' },
  { phrase: '顶级', suggestion: '高品质' },
  { phrase: '顶尖', suggestion: '高品质' },
  { phrase: '国家级', suggestion: '（删去）' },
  { phrase: '世界级', suggestion: '（删去）' },
  { phrase: '宇宙级', suggestion: '（删去）' },
  { phrase: '极品', suggestion: '精选' },
  { phrase: '极致', suggestion: '用心' },
  { phrase: '独一无二', suggestion: '很有特色' },
  { phrase: '绝无仅有', suggestion: '很少见' },
  { phrase: '史无前例', suggestion: '少见' },
  { phrase: '唯一', notAfter: ['的办法', '的方法', '的问题'], suggestion: '少有的' },
  { phrase: '首个', suggestion: '较早的' },
  { phrase: '首家', suggestion: '较早的' },
  { phrase: '首选', suggestion: '不错的选择' },
  { phrase: '史上', suggestion: '（删去）' },
  { phrase: '王牌', suggestion: '主打' },
  { phrase: '销量冠军', suggestion: '热销款' },
  { phrase: '冠军', suggestion: '热销' },
  { phrase: '领导品牌', suggestion: '知名品牌' },
  { phrase: '遥遥领先', suggestion: '表现出色' },
  { phrase: '无敌', suggestion: '出色' },
  { phrase: '万能', suggestion: '用途多' },
  { phrase: '驰名商标', message: '“驰名商标”不得用于广告宣传（《商标法》第十四条），平台同样按极限用语处理：说“知名品牌”。', suggestion: '知名品牌' },
];

/** Names of other marketplaces, their payment and chat tools: naming them reads as diverting traffic. */
const MARKETPLACES: Record<string, { names: string[]; suggestion: string; notAfter?: string[] }> = {
  taobao: { names: ['淘宝', 'taobao', '淘口令', '旺旺'], suggestion: '其他平台' },
  tmall: { names: ['天猫', 'tmall'], suggestion: '其他平台' },
  jd: { names: ['京东', 'jingdong', '京豆'], suggestion: '其他平台', notAfter: ['方'] },
  pdd: { names: ['拼多多', 'pinduoduo', '多多买菜'], suggestion: '其他平台' },
  paipai: { names: ['拍拍网', '拍拍'], suggestion: '其他平台' },
  douyin: { names: ['抖音小店', '抖音', '抖店', 'douyin'], suggestion: '其他平台' },
  kuaishou: { names: ['快手小店', '快手'], suggestion: '其他平台' },
  vip: { names: ['唯品会'], suggestion: '其他平台' },
  suning: { names: ['苏宁易购', '苏宁'], suggestion: '其他平台' },
  xianyu: { names: ['闲鱼'], suggestion: '其他平台' },
  alipay: { names: ['支付宝'], suggestion: '平台支付' },
  weidian: { names: ['微店', '有赞'], suggestion: '其他平台' },
  alibaba: { names: ['1688', '阿里巴巴'], suggestion: '其他平台' },
};

/** Which marketplace groups each platform forbids in chat (seed 001 §6: JD blocks 天猫/淘宝/拍拍). */
export const PLATFORM_FORBIDDEN_GROUPS: Record<Platform, string[]> = {
  jd: ['taobao', 'tmall', 'pdd', 'paipai', 'douyin', 'kuaishou', 'vip', 'suning', 'xianyu', 'alipay', 'weidian', 'alibaba'],
  taobao: ['jd', 'pdd', 'douyin', 'kuaishou', 'vip', 'suning', 'weidian'],
  tmall: ['jd', 'pdd', 'douyin', 'kuaishou', 'vip', 'suning', 'weidian'],
  pdd: ['taobao', 'tmall', 'jd', 'douyin', 'kuaishou', 'vip', 'suning', 'weidian'],
  douyin: ['taobao', 'tmall', 'jd', 'pdd', 'kuaishou', 'vip', 'suning', 'weidian'],
  wechat: [],
  web: [],
};

const WECHAT_WORDS = new Set(['微信', '薇信', '威信', 'v信', 'vx', 'wx', 'weixin', 'wechat', 'wxid', '加v', '加微', '加微信', '加我微信', '微信号', '加个微信']);

/** Off-platform contact: giving or asking for QQ, WeChat, phone, e-mail, QR codes, private deals. */
export const DEFAULT_OFF_PLATFORM: PhraseRule[] = [
  { phrase: '加我微信' }, { phrase: '加个微信' }, { phrase: '加微信' }, { phrase: '微信号' },
  { phrase: '微信', notAfter: ['支付', '付款', '红包', '零钱', '余额'] }, { phrase: '薇信' }, { phrase: '威信' }, { phrase: 'v信' },
  { phrase: 'vx' }, { phrase: 'wxid' }, { phrase: 'wx' }, { phrase: 'weixin' }, { phrase: 'wechat' }, { phrase: '加v' }, { phrase: '加微' },
  { phrase: '加我qq' }, { phrase: 'qq号' }, { phrase: 'qq' }, { phrase: '扣扣' }, { phrase: '企鹅号' },
  { phrase: '二维码' }, { phrase: '扫码' }, { phrase: '扫一扫' },
  { phrase: '加我', notAfter: ['们'] }, { phrase: '私聊' }, { phrase: '私下' }, { phrase: '私人号' }, { phrase: '联系方式' },
  { phrase: '留个电话' }, { phrase: '留电话' }, { phrase: '留下电话' }, { phrase: '留个手机' }, { phrase: '留个号' },
  { phrase: '打我电话' }, { phrase: '打我手机' }, { phrase: '我的电话' }, { phrase: '我电话' }, { phrase: '我的手机' },
  { phrase: '我手机' }, { phrase: '私人电话' }, { phrase: '手机号是' },
  { phrase: '邮箱', unlessSentenceHas: ['发票', '说明函'] }, { phrase: 'e-mail' }, { phrase: 'email' },
  { phrase: '转账', notBefore: ['原路'] }, { phrase: '私下交易' }, { phrase: '线下交易' }, { phrase: '线下付款' }, { phrase: '线下支付' },
];

/** Warm or polite markers (seed 000 §一.2 用词亲切). */
export const DEFAULT_WARM_MARKERS = [
  '亲', '您', '请', '谢谢', '感谢', '抱歉', '不好意思', '麻烦', '哦', '噢', '喔', '呢', '呀', '啦', '哈', '嘛', '哟', '嗯嗯',
  '~', '～', '欢迎', '辛苦', '叔叔', '阿姨', 'mm', 'gg', '宝宝', '小主',
];

/** Text emoticons counted as warm. */
export const DEFAULT_EMOTICONS = [':)', ':-)', ':d', '^_^', '^^', '^o^', '(*^', 'o(∩_∩)o', '∩_∩', '/:^_^', '/:)', ';)'];

/** Defaults for 问答对等 question counting. */
export const DEFAULT_TOO_SHORT: CoachRules['tooShort'] = {
  ratio: 1,
  questionWords: [
    '能不能', '有没有', '是不是', '可不可以', '行不行', '会不会', '要不要', '对不对', '好不好', '能否', '是否',
    '多少', '什么', '怎么', '怎样', '如何', '为什么', '为啥', '啥', '咋', '哪', '几', '多久', '多大', '多长', '多重', '多高', '么',
  ],
  questionEndings: ['吗', '呢', '嘛', '没'],
  notQuestionWords: ['那么', '这么', '多么', '要么', '什么的', '几乎', '茶几', '哪怕', '怎么样都', '不怎么', '没什么', '为什么呢我'],
  pleasantries: ['亲爱的', '亲', '您好', '你好', '嗯嗯', '嗯', '哈哈', '谢谢您', '谢谢', '感谢', '欢迎光临', '哦', '呢', '呀', '啦', '哈', '嘛', '哟', '的'],
};

/** Contexts that mark a following number as an order, tracking or goods number rather than a phone. */
export const DEFAULT_NUMBER_CONTEXTS = ['订单', '单号', '运单', '快递', '物流', '编号', '货号', '条码', '号码是订单'];

function forbiddenFor(platform: Platform): PhraseRule[] {
  const out: PhraseRule[] = [];
  for (const group of PLATFORM_FORBIDDEN_GROUPS[platform]) {
    const g = MARKETPLACES[group];
    if (!g) continue;
    for (const name of g.names) out.push({ phrase: name, suggestion: g.suggestion, ...(g.notAfter ? { notAfter: [...g.notAfter] } : {}) });
  }
  return out;
}

const clone = (rules: PhraseRule[]): PhraseRule[] =>
  rules.map((r) => ({ ...r, ...(r.notAfter ? { notAfter: [...r.notAfter] } : {}), ...(r.notBefore ? { notBefore: [...r.notBefore] } : {}) }));

/** The default rules for a platform: a fresh, editable copy each call. */
export function defaultCoachRules(platform: Platform): CoachRules {
  return {
    platform,
    disabled: [],
    tooShort: {
      ratio: DEFAULT_TOO_SHORT.ratio,
      questionWords: [...DEFAULT_TOO_SHORT.questionWords],
      questionEndings: [...DEFAULT_TOO_SHORT.questionEndings],
      notQuestionWords: [...DEFAULT_TOO_SHORT.notQuestionWords],
      pleasantries: [...DEFAULT_TOO_SHORT.pleasantries],
    },
    warmMarkers: [...DEFAULT_WARM_MARKERS],
    emoticons: [...DEFAULT_EMOTICONS],
    cold: clone(DEFAULT_COLD),
    softeners: [...DEFAULT_SOFTENERS],
    reasonMarkers: [...DEFAULT_REASON_MARKERS],
    absolute: clone(DEFAULT_ABSOLUTE),
    adLaw: clone(DEFAULT_AD_LAW),
    platformForbidden: forbiddenFor(platform),
    // On a WeChat shop, WeChat is the platform itself.
    offPlatform: clone(platform === 'wechat' ? DEFAULT_OFF_PLATFORM.filter((r) => !WECHAT_WORDS.has(r.phrase)) : DEFAULT_OFF_PLATFORM),
    contactPatterns: { mobile: true, landline: true, email: true },
    numberContexts: [...DEFAULT_NUMBER_CONTEXTS],
  };
}

/** A shop's changes to the defaults: entries to add, phrases to remove, rules to switch off. */
export interface CoachRulesOverride {
  add?: Partial<Record<'cold' | 'absolute' | 'adLaw' | 'platformForbidden' | 'offPlatform', PhraseRule[]>> & {
    warmMarkers?: string[];
    softeners?: string[];
    reasonMarkers?: string[];
  };
  remove?: Partial<Record<'cold' | 'absolute' | 'adLaw' | 'platformForbidden' | 'offPlatform' | 'warmMarkers' | 'softeners' | 'reasonMarkers', string[]>>;
  disable?: CoachFlagId[];
  tooShortRatio?: number;
}

/** Applies a shop override to a rules object, returning a new object (the input is not changed). */
export function extendCoachRules(base: CoachRules, o: CoachRulesOverride): CoachRules {
  const phraseKeys = ['cold', 'absolute', 'adLaw', 'platformForbidden', 'offPlatform'] as const;
  const wordKeys = ['warmMarkers', 'softeners', 'reasonMarkers'] as const;
  const next: CoachRules = { ...base, tooShort: { ...base.tooShort }, contactPatterns: { ...base.contactPatterns } };
  for (const k of phraseKeys) {
    const removed = new Set(o.remove?.[k] ?? []);
    next[k] = [...clone(base[k]).filter((r) => !removed.has(r.phrase)), ...clone(o.add?.[k] ?? [])];
  }
  for (const k of wordKeys) {
    const removed = new Set(o.remove?.[k] ?? []);
    next[k] = [...base[k].filter((w) => !removed.has(w)), ...(o.add?.[k] ?? [])];
  }
  next.disabled = [...new Set([...base.disabled, ...(o.disable ?? [])])];
  if (o.tooShortRatio !== undefined) next.tooShort.ratio = o.tooShortRatio;
  return next;
}

const PHRASE_LISTS = ['cold', 'absolute', 'adLaw', 'platformForbidden', 'offPlatform'] as const;
const WORD_LISTS = ['warmMarkers', 'softeners', 'reasonMarkers'] as const;
const FLAG_IDS: readonly string[] = ['too_short', 'not_warm', 'cold_tone', 'absolute_promise', 'ad_law_extreme', 'platform_forbidden', 'off_platform_contact'];

/** Checks untrusted JSON (a shop's rules file) before `extendCoachRules`; returns what is wrong, empty when fine. */
export function validateCoachRulesOverride(o: unknown): string[] {
  const errors: string[] = [];
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return ['expected a JSON object'];
  const v = o as Record<string, unknown>;
  const isStrList = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string' && s.length > 0);
  const isPhraseRule = (x: unknown) => {
    if (x === null || typeof x !== 'object') return false;
    const r = x as Record<string, unknown>;
    return (
      typeof r.phrase === 'string' &&
      r.phrase.length > 0 &&
      (r.suggestion === undefined || typeof r.suggestion === 'string') &&
      (r.message === undefined || typeof r.message === 'string') &&
      (r.notBefore === undefined || isStrList(r.notBefore)) &&
      (r.notAfter === undefined || isStrList(r.notAfter)) &&
      (r.mode === undefined || r.mode === 'always' || r.mode === 'unsoftened' || r.mode === 'bare')
    );
  };
  for (const key of ['add', 'remove'] as const) {
    const part = v[key];
    if (part === undefined) continue;
    if (part === null || typeof part !== 'object' || Array.isArray(part)) {
      errors.push(`"${key}" must be an object`);
      continue;
    }
    const p = part as Record<string, unknown>;
    for (const [k, list] of Object.entries(p)) {
      const isPhrase = (PHRASE_LISTS as readonly string[]).includes(k);
      if (!isPhrase && !(WORD_LISTS as readonly string[]).includes(k)) errors.push(`"${key}.${k}" is not a rule list`);
      else if (key === 'add' && isPhrase ? !(Array.isArray(list) && list.every(isPhraseRule)) : !isStrList(list)) {
        errors.push(`"${key}.${k}" must be a list of ${key === 'add' && isPhrase ? '{"phrase":"…"} entries' : 'non-empty strings'}`);
      }
    }
  }
  if (v.disable !== undefined && !(Array.isArray(v.disable) && v.disable.every((d) => typeof d === 'string' && FLAG_IDS.includes(d)))) {
    errors.push(`"disable" must list flag ids (${FLAG_IDS.join(', ')})`);
  }
  if (v.tooShortRatio !== undefined && !(typeof v.tooShortRatio === 'number' && v.tooShortRatio >= 0 && v.tooShortRatio <= 10)) {
    errors.push('"tooShortRatio" must be a number from 0 to 10');
  }
  return errors;
}
