/**
 * English for content that core writes in Chinese for Chinese shops (the seeds' advice per buyer trait). Registered
 * for English only: in zh-CN the keys are missing and the screens show core's own text (`defaultValue`).
 */
export const contentEn = {
  content: {
    strategies: {
      expressive: 'Praise them, give them room to talk, and tie the product to what they like about themselves.',
      dominant: 'Go along with them and never argue; keep the deal quick, and grant the perks you can (free shipping, member card) without fuss.',
      analytical: 'Give details, real photos, certificates and test reports for them to read; answer worries in writing; recommend little, or they feel pushed.',
      amiable: 'Recommend the one best fit firmly, chat with them and be a genuine friend.',
      clear: 'Listen to what they need and answer exactly that; remember a word of praise at the right moment.',
      confused: 'They know little about the product: answer carefully, recommend from their point of view and explain why; the more detail, the more trust.',
      independent: 'They already know what they want: no need to recommend much; once they pick, approve of the choice.',
      swing: 'Easy to persuade: show a few options, explain patiently and sincerely, then help them decide and order.',
      price_sensitive: "Tell them about the shop's offers (multi-buy discounts, free shipping, coupons): deals move them most.",
      price_insensitive: 'Do not push cheap items; let them choose, and talk about quality and service.',
      urgent: 'The best chance to close: once they pick, get the order placed and make shipping and delivery times clear.',
      browsing: 'Just looking and comparing: find what interests them, give pointed advice and bring out the strengths to spark the wish to buy.',
      self_use: 'Recommend by their own taste, with practical use first.',
      gift: 'Ask who it is for and the occasion, then suggest distinctive pieces that make good gifts.',
      demanding: 'They want perfection: explain materials and workmanship; a higher-end item may suit them.',
      easygoing: 'Good enough is fine for them: recommend freely and close with a current offer.',
      trusting: 'Mostly returning buyers who order without much persuasion: thank them and look after them.',
      suspicious: 'First time with our products: answer patiently, explain the strengths and guarantees (genuine goods, 7-day returns) and let them get to know us.',
    },
  },
};
