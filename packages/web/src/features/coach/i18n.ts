import i18next from 'i18next';

/** Copy of the coach, guard, coach settings and 质检 pages, registered into the app's i18next bundles. */
export const coachZh = {
  coach: {
    flags: {
      too_short: '问答对等', not_warm: '用词亲切', cold_tone: '语气生硬', absolute_promise: '绝对化承诺', ad_law_extreme: '广告法极限词',
      platform_forbidden: '提及其他平台', off_platform_contact: '站外联系方式', concession_jump: '让步太快',
    },
    rewrite: '改写', blocking: '拦截', blockedHint: '含有店铺禁止发送的内容，修改后才能发送', clean: '回复没有问题',
    nextStep: '议价阶梯：下一步可以给买家', insertStep: '插入话术', ladderDone: '让步阶梯已用完，可以委婉说明价格已是底线',
    stepScript: '亲，价格已经是实价了呢，不过今天拍下可以给您{{label}}哦~',
    guard: {
      caution: '注意', danger: '风险', disarmed: '外部链接已停用：{{reason}}', disarmedDefault: '非本平台链接，已停用，请勿点击',
      useReply: '使用建议回复', endPolitely: '礼貌结束会话', endConfirm: '先发送一句礼貌的回复，再结束本次会话？',
      endHint: '客服也是人：面对辱骂可以保持礼貌、冷静，回复一次后结束会话（seed 004）。',
      // Chinese warnings come from core as written; these keys exist for the English UI (guardText.ts).
      warn: {
        linkUnreadable: '看不出真实去向的网址，已禁用点击。', linkDisguised: '网址 {{host}} 是伪装的，已禁用点击。',
        linkForeign: '{{host}} 不是本平台的网址，可能是钓鱼链接，已禁用点击：不要打开，更不要在里面登录。',
        phishing: '消息冒充平台或要你登录、给验证码：平台官方不会通过买家聊天通知违规，不要照做。',
        phishingLink: '这很像钓鱼：买家以“拍不了”“店铺违规”等理由让你点链接。不要打开，不要在任何链接里登录或输入密码、验证码。',
        offPlatform: '买家要求到站外联系或私下交易：不要给 QQ、微信、电话。', qrCode: '不要扫买家发来的二维码，也不要把店铺以外的二维码发给买家。',
        fileLure: '不要接收买家发来的文件：木马常藏在文件里。', insult: '买家出现辱骂或人身攻击：保持礼貌、平静、理性。', harsh: '买家情绪激动：先道歉、认真倾听，再问清楚哪里不满意。',
      },
    },
    settings: {
      title: '回复教练', ladderTitle: '议价阶梯', tabs: { blocking: '提示与拦截', words: '词表', ladder: '议价阶梯', targets: '质检目标', json: '高级（JSON）' },
      blockingHint: '勾选的提示会阻止发送；“站外联系方式”始终拦截。未勾选的只提醒，不拦截。',
      disabledHint: '关闭的规则不再提示。', disable: '关闭', always: '始终拦截',
      lists: { cold: '生硬用语', absolute: '绝对化用语', adLaw: '广告法极限词', platformForbidden: '其他平台名称', offPlatform: '站外联系用语', warmMarkers: '亲切用语', softeners: '委婉语气词', reasonMarkers: '说明理由的词' },
      add: '本店新增', remove: '本店不检查（从默认词表中去掉）', suggestion: '建议改写', phrase: '词语',
      ratio: '问答对等比例', ratioHint: '回复字数至少是买家字数的多少倍（默认 1）',
      ladderHint: '买家砍价时按顺序一步一步让：先包邮，再优惠券，再会员卡/积分，最后才少收一点钱。工作台只提示下一步。',
      kinds: { free_shipping: '包邮', coupon: '优惠券', member: '会员卡', points: '积分抵现', price_off: '直接降价' },
      label: '对买家的说法', amount: '金额（元）', maxPriceOff: '最多让价（元）', addStep: '添加一步',
      firstResponse: '首次响应目标（秒）', response: '每轮响应目标（秒）', targetsHint: '质检按这两个目标给响应时效打分（seed：1 分钟内回复，20–30 秒为佳）。',
      invalid: '规则格式有误：{{error}}', jsonHint: '完整的词表覆盖（与 kefu lint --rules 文件格式相同）。',
    },
  },
  reviews: {
    title: '会话质检', mine: '我的质检', sample: '随机抽检', sampleN: '抽检条数', sampled: '已抽 {{n}} 条', noneToSample: '这段时间没有可抽的会话',
    period: '时间段', agent: '客服', allAgents: '全部客服', status: { all: '全部', sampled: '已抽检', pending: '待评分', reviewed: '已评分', auto: '仅自动评分' },
    cols: { closedAt: '结束时间', buyer: '买家', agent: '客服', auto: '自动评分', manual: '人工评分', state: '状态' },
    avgAuto: '平均自动分', avgManual: '平均人工分', count: '会话数', view: '查看',
    parts: { response: '响应时效', answered: '问题回答', coach: '用语规范', steps: '接待流程' },
    steps: { greeting: '问好并自我介绍', needs: '了解需求', related: '关联推荐', payment: '引导付款', after_payment: '付款后提醒', thanks: '感谢告别' },
    notApplicable: '不适用', firstResponse: '首次响应 {{s}} 秒', noResponse: '无人工回复', within: '{{n}}/{{m}} 轮在目标内',
    unanswered: '未回答的问题 {{n}} 个', flags: '提示 {{n}} 条', noFlags: '没有提示',
    transcript: '会话记录', manualTitle: '人工评分', score: '分数', comment: '评语', saveReview: '保存评分', reviewer: '评分人',
    notReviewed: '还没有人工评分', autoFirst: '结束后自动评分', agentOnly: '你只能看到自己的质检记录',
  },
};

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const coachEn: Shape<typeof coachZh> = {
  coach: {
    flags: {
      too_short: 'Answer in full', not_warm: 'Warm words', cold_tone: 'Cold tone', absolute_promise: 'Absolute promise', ad_law_extreme: 'Ad-law superlative',
      platform_forbidden: 'Other platform', off_platform_contact: 'Off-platform contact', concession_jump: 'Concession too fast',
    },
    rewrite: 'Rewrite', blocking: 'Blocks', blockedHint: 'Contains content this shop does not allow; fix it before sending', clean: 'Reply looks fine',
    nextStep: 'Bargaining ladder: next you may offer', insertStep: 'Insert script', ladderDone: 'Ladder used up: politely say this is the lowest price',
    stepScript: '亲，价格已经是实价了呢，不过今天拍下可以给您{{label}}哦~',
    guard: {
      caution: 'Caution', danger: 'Risk', disarmed: 'External link disabled: {{reason}}', disarmedDefault: 'Not a platform link; disabled, do not open',
      useReply: 'Use suggested reply', endPolitely: 'End politely', endConfirm: 'Send one polite reply, then end this chat?',
      endHint: 'Agents are people too: stay polite and calm, reply once, then you may end the chat (seed 004).',
      warn: {
        linkUnreadable: 'A link whose real destination cannot be seen: clicking is disabled.',
        linkDisguised: 'The link to {{host}} is disguised (a common phishing trick): clicking is disabled; never sign in there.',
        linkForeign: '{{host}} is not a site of this platform and may be phishing: clicking is disabled; do not open it, never sign in there.',
        phishing: 'The message poses as the platform or asks you to sign in or give a code: the platform never reports violations through buyer chats; do not follow it.',
        phishingLink: 'This looks like phishing: the buyer gives a reason ("cannot order", "shop violation") to make you open a link. Do not open it, never enter passwords or codes.',
        offPlatform: 'The buyer wants to talk or pay off the platform: never give QQ, WeChat or a phone number; it may be a trap to report the shop.',
        qrCode: 'Do not scan QR codes from buyers, and send buyers no QR codes other than the shop’s own.',
        fileLure: 'Do not accept files from buyers: malware often hides in them.',
        insult: 'Insults or personal attacks: stay polite, calm and rational; offer a solution first. If it goes on you may end the chat politely and note it.',
        harsh: 'The buyer is upset: apologise, listen, then ask what exactly went wrong.',
      },
    },
    settings: {
      title: 'Reply coach', ladderTitle: 'Bargaining ladder', tabs: { blocking: 'Hints & blocking', words: 'Word lists', ladder: 'Bargaining ladder', targets: 'Review targets', json: 'Advanced (JSON)' },
      blockingHint: 'Checked hints stop a reply from being sent; off-platform contact always blocks. Unchecked ones only warn.',
      disabledHint: 'Disabled rules are not shown.', disable: 'Off', always: 'Always blocks',
      lists: { cold: 'Cold phrases', absolute: 'Absolute words', adLaw: 'Ad-law superlatives', platformForbidden: 'Other platforms', offPlatform: 'Off-platform words', warmMarkers: 'Warm words', softeners: 'Softeners', reasonMarkers: 'Reason words' },
      add: 'Added by this shop', remove: 'Not checked here (removed from defaults)', suggestion: 'Rewrite', phrase: 'Phrase',
      ratio: 'Answer length ratio', ratioHint: 'Reply length at least this many times the buyer message (default 1)',
      ladderHint: 'Give way one step at a time: free shipping, then a coupon, then member card/points, a small price cut last. The workbench only offers the next step.',
      kinds: { free_shipping: 'Free shipping', coupon: 'Coupon', member: 'Member card', points: 'Points', price_off: 'Price cut' },
      label: 'Wording for the buyer', amount: 'Amount (yuan)', maxPriceOff: 'Max price cut (yuan)', addStep: 'Add step',
      firstResponse: 'First response target (s)', response: 'Per-turn response target (s)', targetsHint: 'Reviews score response times against these (seeds: within 1 minute, 20–30 s is good).',
      invalid: 'Invalid rules: {{error}}', jsonHint: 'The full word-list override (same format as kefu lint --rules).',
    },
  },
  reviews: {
    title: 'Conversation review', mine: 'My reviews', sample: 'Random sample', sampleN: 'How many', sampled: 'Sampled {{n}}', noneToSample: 'Nothing left to sample in this period',
    period: 'Period', agent: 'Agent', allAgents: 'All agents', status: { all: 'All', sampled: 'Sampled', pending: 'To score', reviewed: 'Scored', auto: 'Auto only' },
    cols: { closedAt: 'Closed', buyer: 'Buyer', agent: 'Agent', auto: 'Auto score', manual: 'Manual score', state: 'State' },
    avgAuto: 'Avg auto', avgManual: 'Avg manual', count: 'Conversations', view: 'Open',
    parts: { response: 'Response time', answered: 'Questions answered', coach: 'Wording', steps: 'Reception steps' },
    steps: { greeting: 'Greeting with name', needs: 'Needs', related: 'Related selling', payment: 'Payment', after_payment: 'After-payment reminders', thanks: 'Thanks' },
    notApplicable: 'n/a', firstResponse: 'First response {{s}} s', noResponse: 'No human reply', within: '{{n}}/{{m}} turns on target',
    unanswered: '{{n}} unanswered question(s)', flags: '{{n}} hint(s)', noFlags: 'No hints',
    transcript: 'Transcript', manualTitle: 'Manual score', score: 'Score', comment: 'Comment', saveReview: 'Save score', reviewer: 'Reviewer',
    notReviewed: 'Not scored by a supervisor yet', autoFirst: 'Scored automatically when closed', agentOnly: 'You see your own reviews only',
  },
};

let registered = false;
/** Adds the coach/reviews copy to both languages once (deep merge keeps the app's own keys). */
export function registerCoachI18n(): void {
  if (registered) return;
  registered = true;
  i18next.addResourceBundle('zh-CN', 'translation', coachZh, true, false);
  i18next.addResourceBundle('en', 'translation', coachEn, true, false);
}
registerCoachI18n();
