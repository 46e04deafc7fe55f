import type { AutoReplySettings } from '@kefu/contracts';

/** Defaults in the words of the seeds (002 greetings, 003 first-reply types, 004 busy reply). */
export const DEFAULT_AUTO_REPLY: AutoReplySettings = {
  greeting: {
    enabled: true,
    variant: 'greeting',
    greeting: '亲，您好！欢迎光临{shop}，很高兴为您服务，请问有什么可以帮您的呢？',
    promotion: '现在本店正在搞活动，很优惠的哦！',
    reminder: '温馨提示：下单前请核对好尺码和收货地址，有任何问题随时找我们哦～',
  },
  returning: { enabled: true, text: '欢迎亲再次光临{shop}！上次的宝贝还满意吗？有什么需要随时告诉我们哦～' },
  busy: {
    enabled: true,
    queueThreshold: 5,
    text: '亲，你好，现在客服咨询量较多，回复比较慢，请亲谅解哦！请亲把问题一并列出，我们会及时给你详尽的回复的，谢谢亲的配合！',
  },
  offHours: {
    enabled: true,
    text: '亲，现在是下班时间哦，我们的客服在线时间是{hours}。您可以先留言，上班后会第一时间回复您～',
  },
  autoCloseMinutes: 30,
};
