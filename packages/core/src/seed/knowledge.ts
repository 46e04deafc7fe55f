import type { ClothingSizeChart, DemoShopProfile, FaqEntry, ProductFile, ShoeSizeChart } from './types.js';

/** The demo shop: outdoor shoes (seed 001 §户外专业知识) and women's clothing (seed 004 §经营范围). */
export const DEMO_SHOP: DemoShopProfile = {
  name: '青禾户外旗舰店',
  agentName: '小禾',
  businessHours: '每天 9:00-23:00',
  defaultCourier: '中通快递',
  freeShippingNote: '全店包邮（新疆、西藏、青海等偏远地区除外）',
};

// Chinese shoe sizes: size = foot length (cm) × 2 − 10, i.e. every half centimetre is one size.
const shoeRows = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ size: String(from + i), footLengthMaxCm: (from + i + 10) / 2 }));

const shoeChart = (from: number, to: number, fit: ShoeSizeChart['fit'], note: string): ShoeSizeChart => ({
  kind: 'shoe',
  rows: shoeRows(from, to),
  fit,
  note,
});

const clothingChart = (sizes: readonly string[], bustBase: number, lengthBase: number, note: string): ClothingSizeChart => {
  const all = [
    { size: 'S', heightCm: [150, 158], weightKg: [40, 48] },
    { size: 'M', heightCm: [157, 164], weightKg: [47, 55] },
    { size: 'L', heightCm: [163, 170], weightKg: [54, 62] },
    { size: 'XL', heightCm: [168, 175], weightKg: [61, 70] },
  ] as const;
  const rows = all
    .filter((r) => sizes.includes(r.size))
    .map((r, i) => ({ ...r, bustCm: bustBase + i * 4, lengthCm: lengthBase + i * 1.5 }));
  return { kind: 'clothing', rows, note };
};

const stockGrid = (colors: readonly string[], sizes: readonly string[], seed: number): Record<string, Record<string, number>> => {
  // Deterministic, uneven quantities (some sizes sold out) so stock answers have something to say.
  const out: Record<string, Record<string, number>> = {};
  colors.forEach((c, ci) => {
    const row: Record<string, number> = {};
    sizes.forEach((s, si) => {
      const q = (seed * 7 + ci * 13 + si * 5) % 23;
      row[s] = q < 3 ? 0 : q;
    });
    out[c] = row;
  });
  return out;
};

const SHOE_SIZES_UNISEX = ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45'] as const;
const SHOE_SIZES_WOMEN = ['35', '36', '37', '38', '39', '40'] as const;
const CLOTHES_SIZES = ['S', 'M', 'L', 'XL'] as const;

/** Product files (商品档案) of the demo shop. */
export const PRODUCTS: readonly ProductFile[] = [
  {
    sku: 'QH-HK01',
    name: '高帮防水登山鞋',
    category: 'outdoor_shoes',
    price: 699,
    colors: ['岩石灰', '军绿', '黑色'],
    sizes: SHOE_SIZES_UNISEX,
    stock: stockGrid(['岩石灰', '军绿', '黑色'], SHOE_SIZES_UNISEX, 1),
    material: [
      { part: '鞋面', value: '头层牛皮，防泼水处理' },
      { part: '防水层', value: 'GORE-TEX 防水透气袜套' },
      { part: '内里', value: '猪皮内里，表面光滑' },
      { part: '鞋垫', value: '乳胶鞋垫' },
      { part: '大底', value: 'Vibram 橡胶大底，前掌制动纹' },
    ],
    sizeChart: shoeChart(36, 45, 'standard', '标准码；脚背高或脚宽建议拍大一码，冬天穿厚袜也可以大一码。'),
    sellingPoints: [
      '防水透气袜套：外面的水不容易进来，脚汗的水汽能散出去',
      'Vibram 大底：纹路深，抓地好，能分散和吸收行走冲击，下坡有制动纹',
      '牛皮鞋面厚实保暖，不怕水溅，表面毛孔透气',
      '高帮包裹脚踝，走碎石路更稳',
    ],
    cautions: [
      '新鞋建议先在平地穿几天磨合，再走长线',
      '牛皮鞋面不要暴晒或烤火，湿了放阴凉处自然晾干',
      '防水是指雨天、浅水、雪地不进水，水没过鞋口还是会进水',
      '鞋底偏硬，单只约 560 g（42 码），只是城市通勤会觉得偏重',
    ],
    relatedSkus: ['QH-HK02', 'QH-HK03'],
    facts: ['适合中长距离徒步、登山、雪地短途', '单只约 560 g（42 码）'],
  },
  {
    sku: 'QH-HK02',
    name: '低帮透气徒步鞋',
    category: 'outdoor_shoes',
    price: 399,
    colors: ['石墨黑', '卡其', '深蓝'],
    sizes: SHOE_SIZES_UNISEX,
    stock: stockGrid(['石墨黑', '卡其', '深蓝'], SHOE_SIZES_UNISEX, 2),
    material: [
      { part: '鞋面', value: '透气网布拼接牛皮' },
      { part: '内里', value: '棉网布，保暖透气' },
      { part: '鞋垫', value: '海波丽鞋垫，除臭、贴合' },
      { part: '大底', value: '橡胶大底，带排水孔' },
    ],
    sizeChart: shoeChart(36, 45, 'wide', '鞋型偏宽；脚比较瘦的建议拍小一码。'),
    sellingPoints: ['网布鞋面透气，夏天走路不闷', '大底带排水孔，蹚水后能很快排掉积水', '单只约 380 g，轻便，郊游和日常都能穿'],
    cautions: ['鞋面不防水，下雨或蹚水后鞋里会湿，需要晾干', '网布面用软毛刷清洗，不建议机洗', '鞋型偏宽，脚瘦的拍小一码'],
    relatedSkus: ['QH-HK01', 'QH-HK03'],
    facts: ['适合郊游、轻徒步、日常', '单只约 380 g（42 码）'],
  },
  {
    sku: 'QH-HK03',
    name: '女款轻量防水徒步鞋',
    category: 'outdoor_shoes',
    price: 459,
    colors: ['浅灰粉', '雾蓝', '燕麦色'],
    sizes: SHOE_SIZES_WOMEN,
    stock: stockGrid(['浅灰粉', '雾蓝', '燕麦色'], SHOE_SIZES_WOMEN, 3),
    material: [
      { part: '鞋面', value: '防泼水超纤拼接网布' },
      { part: '防水层', value: '防水透气内膜' },
      { part: '鞋垫', value: '硅胶鞋垫，回弹舒适' },
      { part: '大底', value: 'Vibram 橡胶大底' },
    ],
    sizeChart: shoeChart(35, 40, 'narrow', '鞋型偏窄；脚宽或脚背高的建议拍大一码。'),
    sellingPoints: ['单只约 330 g，轻便不累脚', '防水透气内膜，小雨和湿草地不怕', '配色柔和，徒步和日常通勤都好搭'],
    cautions: ['鞋型偏窄，脚宽的拍大一码', '浅色鞋面沾泥后尽快用湿布擦，不要用漂白剂'],
    relatedSkus: ['QH-HK01', 'QH-HK02'],
    facts: ['女款楦型', '单只约 330 g（37 码）'],
  },
  {
    sku: 'QH-W01',
    name: '羊毛混纺针织开衫',
    category: 'womens_clothing',
    price: 159,
    colors: ['米白', '雾霾蓝', '燕麦色'],
    sizes: CLOTHES_SIZES,
    stock: stockGrid(['米白', '雾霾蓝', '燕麦色'], CLOTHES_SIZES, 4),
    material: [{ part: '面料', value: '30% 羊毛，70% 腈纶，抗起球处理纱线' }],
    sizeChart: clothingChart(CLOTHES_SIZES, 92, 58, '版型宽松，按身高体重选；喜欢合身一点的可以拍小一码。'),
    sellingPoints: ['羊毛混纺，软糯保暖', '宽松版型，遮肉显瘦', '米白、雾霾蓝、燕麦色三色百搭'],
    cautions: ['针织面料穿久了会有轻微起球，属正常现象', '建议翻面手洗，平铺晾干，不要挂晾以免变形'],
    relatedSkus: ['QH-W02', 'QH-W05'],
  },
  {
    sku: 'QH-W02',
    name: '碎花雪纺连衣裙',
    category: 'womens_clothing',
    price: 199,
    colors: ['蓝底碎花', '黑底碎花'],
    sizes: ['S', 'M', 'L'],
    stock: stockGrid(['蓝底碎花', '黑底碎花'], ['S', 'M', 'L'], 5),
    material: [
      { part: '面料', value: '雪纺（100% 聚酯纤维）' },
      { part: '内衬', value: '聚酯纤维内衬，不透' },
    ],
    sizeChart: clothingChart(['S', 'M', 'L'], 86, 112, '腰部有松紧，梨形身材按上身选码。'),
    sellingPoints: ['A 字裙摆遮胯显腿长', '带内衬不透，单穿也放心', '腰部松紧设计，吃饭也不勒'],
    cautions: ['雪纺怕勾丝，避免和粗糙的包、饰品摩擦', '熨烫请用低温，或挂起来用蒸汽挂烫'],
    relatedSkus: ['QH-W01', 'QH-W04'],
  },
  {
    sku: 'QH-W03',
    name: '加绒连帽卫衣',
    category: 'womens_clothing',
    price: 129,
    colors: ['灰色', '黑色', '奶油白'],
    sizes: CLOTHES_SIZES,
    stock: stockGrid(['灰色', '黑色', '奶油白'], CLOTHES_SIZES, 6),
    material: [{ part: '面料', value: '80% 棉，20% 聚酯纤维，内里加绒' }],
    sizeChart: clothingChart(CLOTHES_SIZES, 100, 62, '落肩宽松版型，按身高体重选即可。'),
    sellingPoints: ['内里加绒，秋冬单穿也暖和', '落肩宽松，休闲好搭', '棉含量高，亲肤'],
    cautions: ['第一次洗可能轻微缩水，建议冷水洗、不要暖气上烘', '深色第一次洗会有少量浮色，请单独洗'],
    relatedSkus: ['QH-W05', 'QH-HK02'],
  },
  {
    sku: 'QH-W04',
    name: '通勤小西装外套',
    category: 'womens_clothing',
    price: 299,
    colors: ['黑色', '燕麦色'],
    sizes: CLOTHES_SIZES,
    stock: stockGrid(['黑色', '燕麦色'], CLOTHES_SIZES, 7),
    material: [
      { part: '面料', value: '聚酯纤维混纺粘纤，微弹' },
      { part: '里料', value: '顺滑里衬' },
    ],
    sizeChart: clothingChart(CLOTHES_SIZES, 88, 64, '版型偏修身；想里面穿毛衣或喜欢宽松的，建议拍大一码。'),
    sellingPoints: ['修身剪裁，通勤干练', '面料微弹，抬手不紧绷', '有里衬，穿脱顺滑'],
    cautions: ['建议干洗或冷水轻柔手洗，不要机洗甩干', '版型偏修身，里面穿厚毛衣的拍大一码'],
    relatedSkus: ['QH-W02', 'QH-W05'],
  },
  {
    sku: 'QH-W05',
    name: '纯棉圆领短袖T恤',
    category: 'womens_clothing',
    price: 69,
    colors: ['白色', '黑色', '雾粉'],
    sizes: CLOTHES_SIZES,
    stock: stockGrid(['白色', '黑色', '雾粉'], CLOTHES_SIZES, 8),
    material: [{ part: '面料', value: '100% 精梳棉' }],
    sizeChart: clothingChart(CLOTHES_SIZES, 90, 60, '常规版型，按身高体重选。'),
    sellingPoints: ['精梳棉，柔软透气', '领口加固，洗后不容易变形', '基础款，单穿内搭都可以'],
    cautions: ['纯棉第一次洗可能轻微缩水，建议冷水洗', '白色面料较薄，建议搭配浅色内衣'],
    relatedSkus: ['QH-W01', 'QH-W03'],
  },
];

/**
 * The shop's FAQ (常见问题问答) in the three kinds of seed 000 §专业度: product knowledge,
 * recommendation, transaction.
 */
export const FAQ: readonly FaqEntry[] = [
  // 产品知识
  {
    id: 'faq-p01', kind: 'product', scenario: 'product_info', productSku: 'QH-HK01',
    question: '登山鞋防水吗？下雨天能穿吗？',
    answer: '亲，这款登山鞋内置 GORE-TEX 防水透气袜套，下雨天、浅水、雪地都不容易进水；不过水没过鞋口还是会从上面进去的，蹚深水要注意哦～',
    keywords: ['防水', '下雨', '进水', '雪地'], source: 'seed:001 §户外专业知识',
  },
  {
    id: 'faq-p02', kind: 'product', scenario: 'product_info',
    question: '防水的鞋会不会很闷脚？',
    answer: '亲，防水透气膜上的微孔比水滴小、比水汽分子大，外面的水进不来，脚上的汗气能散出去，所以穿着不会很闷，也能减少脚臭～',
    keywords: ['闷脚', '透气', '出汗', '脚臭'], source: 'seed:001 §户外专业知识',
  },
  {
    id: 'faq-p03', kind: 'product', scenario: 'product_info',
    question: '鞋底防滑吗？走山路会不会打滑？',
    answer: '亲，我们的登山鞋用的是 Vibram 橡胶大底，纹路深，抓地好，湿滑的石头路也比较稳；前掌有制动纹，下坡更好控制～',
    keywords: ['防滑', '打滑', '鞋底', '抓地', '山路'], source: 'seed:001 §户外专业知识',
  },
  {
    id: 'faq-p04', kind: 'product', scenario: 'product_info', productSku: 'QH-HK01',
    question: '登山鞋重不重？',
    answer: '亲，高帮登山鞋单只约 560 g（42 码），因为鞋底厚、鞋面是牛皮，比运动鞋重一些，换来的是支撑和耐磨；想轻便的话可以看看低帮徒步鞋，单只约 380 g～',
    keywords: ['重', '轻', '多重', '克'], source: 'seed:001 §户外专业知识（鞋的重量）',
  },
  {
    id: 'faq-p05', kind: 'product', scenario: 'product_info',
    question: '鞋垫能拿出来吗？能换成自己的矫正鞋垫吗？',
    answer: '亲，鞋垫是活动的，可以拿出来清洗晾干，也可以换成您自己的鞋垫；换厚鞋垫的话建议拍大半码到一码，留出空间～',
    keywords: ['鞋垫', '拿出来', '矫正', '换'], source: 'seed:001 §户外专业知识（鞋垫）',
  },
  {
    id: 'faq-p06', kind: 'product', scenario: 'product_info',
    question: '牛皮鞋面怎么保养？',
    answer: '亲，牛皮鞋面脏了用软毛刷刷掉泥土，再用湿布擦干净，放阴凉通风处自然晾干，不要暴晒、烤火或者放暖气上；平时可以用专用护理剂保养～',
    keywords: ['保养', '清洗', '牛皮', '怎么洗'], source: 'seed:001 §户外专业知识',
  },
  {
    id: 'faq-p07', kind: 'product', scenario: 'quality', productSku: 'QH-W01',
    question: '针织开衫会起球吗？',
    answer: '亲，针织面料穿久了会有轻微起球，这是正常现象；这款用的是抗起球处理的纱线，相对会好很多，翻面手洗、平铺晾干可以减少起球～',
    keywords: ['起球', '掉毛', '针织'], source: 'authored',
  },
  {
    id: 'faq-p08', kind: 'product', scenario: 'product_info', productSku: 'QH-W02',
    question: '连衣裙透不透？要穿打底吗？',
    answer: '亲，这款连衣裙有聚酯纤维内衬，单穿不透，不用另外穿打底裙哦～',
    keywords: ['透', '打底', '内衬'], source: 'authored',
  },
  {
    id: 'faq-p09', kind: 'product', scenario: 'quality', productSku: 'QH-W03',
    question: '卫衣洗了会缩水吗？',
    answer: '亲，卫衣棉含量高，第一次洗可能会轻微缩水，建议冷水洗、自然晾干，不要放暖气上烘；深色的第一次单独洗哦～',
    keywords: ['缩水', '洗', '掉色'], source: 'authored',
  },
  {
    id: 'faq-p10', kind: 'product', scenario: 'product_info',
    question: '登山鞋和徒步鞋有什么区别？',
    answer: '亲，高帮登山鞋鞋底更硬、包裹脚踝，适合负重、碎石路和长距离；低帮徒步鞋更轻、更透气，适合郊游和轻徒步。您说下平时走什么路线，我帮您选～',
    keywords: ['区别', '登山鞋', '徒步鞋', '不一样'], source: 'seed:001 §户外专业知识',
  },
  {
    id: 'faq-p11', kind: 'product', scenario: 'size',
    question: '鞋子偏大还是偏小？平时穿 38 拍几码？',
    answer: '亲，我们是标准码，平时穿 38 就拍 38；脚背比较高或者脚比较宽的建议拍大一码。低帮徒步鞋鞋型偏宽，脚瘦的可以拍小一码～',
    keywords: ['偏大', '偏小', '拍几码', '码数'], source: 'seed:001 §尺码问题',
  },
  {
    id: 'faq-p12', kind: 'product', scenario: 'size',
    question: '身高 160、体重 50 公斤穿什么码？',
    answer: '亲，身高 160、体重 50 公斤一般穿 M 码；喜欢宽松一点的可以拍 L，您也可以把平时穿的码告诉我，我再帮您对一下尺码表～',
    keywords: ['身高', '体重', '穿什么码', '斤', '公斤'], source: 'authored',
  },
  {
    id: 'faq-p13', kind: 'product', scenario: 'color_diff',
    question: '实物颜色和图片一样吗？',
    answer: '亲，颜色和图片基本一致，都是实物拍摄；不过每台显示器的色彩还原不一样，难免有一点色差，自然光下拍的图更接近实物，对颜色要求高的话建议谨慎选择哦～',
    keywords: ['色差', '颜色', '图片', '实物'], source: 'seed:001 §色差',
  },
  // 客户推荐
  {
    id: 'faq-r01', kind: 'recommend', scenario: 'recommend',
    question: '第一次去爬山，穿哪款鞋好？',
    answer: '亲，第一次爬山、路线不太长的话，低帮透气徒步鞋就够用了，轻便透气；如果是长线、碎石路多或者可能下雨，建议选高帮防水登山鞋，护脚踝也防水～',
    keywords: ['第一次', '爬山', '新手', '哪款'], source: 'seed:001 §客户类型（需求模糊型）',
  },
  {
    id: 'faq-r02', kind: 'recommend', scenario: 'recommend',
    question: '平时上班穿，周末也想去郊游，选哪双？',
    answer: '亲，上班和郊游两用的话推荐女款轻量防水徒步鞋或者低帮透气徒步鞋，轻、好搭配，颜色也不会太户外，日常穿不突兀～',
    keywords: ['上班', '通勤', '郊游', '两用', '日常'], source: 'seed:001 §客户类型（自用型）',
  },
  {
    id: 'faq-r03', kind: 'recommend', scenario: 'recommend',
    question: '想给爸妈买一双走路穿的鞋，推荐哪款？',
    answer: '亲，送长辈的话推荐轻一点、好穿脱的低帮徒步鞋，鞋底防滑，走路稳；告诉我叔叔阿姨平时穿的码，我帮您确认一下，也可以帮您备注不放价格单～',
    keywords: ['爸妈', '父母', '老人', '送', '长辈'], source: 'seed:001 §客户类型（礼品型）',
  },
  {
    id: 'faq-r04', kind: 'recommend', scenario: 'recommend',
    question: '我脚比较宽，哪款穿着舒服？',
    answer: '亲，脚宽的话推荐低帮透气徒步鞋，鞋型本来就偏宽，按平时的码拍就可以；高帮登山鞋是标准楦，脚宽的建议拍大一码；女款轻量鞋偏窄，不太建议脚宽的亲选哦～',
    keywords: ['脚宽', '脚肥', '宽脚', '舒服'], source: 'seed:001 §尺码问题',
  },
  {
    id: 'faq-r05', kind: 'recommend', scenario: 'recommend',
    question: '冬天去雪山，穿哪双？',
    answer: '亲，冬天雪地推荐高帮防水登山鞋：防水袜套挡雪水，牛皮鞋面保暖，高帮能防止雪灌进鞋里；记得搭配厚一点的羊毛袜，尺码可以拍大一码～',
    keywords: ['冬天', '雪山', '雪地', '保暖'], source: 'seed:001 §户外专业知识',
  },
  {
    id: 'faq-r06', kind: 'recommend', scenario: 'recommend', productSku: 'QH-W02',
    question: '梨形身材穿哪款裙子好看？',
    answer: '亲，梨形身材推荐碎花雪纺连衣裙，A 字裙摆能遮胯，腰部有松紧，按上身的尺码选就可以，再搭一件短款针织开衫，比例会更好～',
    keywords: ['梨形', '胯宽', '显瘦', '裙子'], source: 'seed:000 §把握需求',
  },
  {
    id: 'faq-r07', kind: 'recommend', scenario: 'recommend',
    question: '预算两百以内，有什么推荐？',
    answer: '亲，两百以内女装这边可以看看针织开衫、碎花连衣裙、加绒卫衣和纯棉 T 恤；合适的才是好的，您说下想在什么场合穿，我帮您挑一件～',
    keywords: ['预算', '两百', '便宜', '性价比'], source: 'seed:000 §真诚引导',
  },
  {
    id: 'faq-r08', kind: 'recommend', scenario: 'recommend', productSku: 'QH-W01',
    question: '针织开衫怎么搭配？',
    answer: '亲，开衫里面搭纯棉 T 恤或者连衣裙都很好看，米白和燕麦色配什么都不出错，雾霾蓝更显白一点～',
    keywords: ['搭配', '怎么穿', '配什么'], source: 'seed:002 §关联销售',
  },
  // 交易说明
  {
    id: 'faq-t01', kind: 'transaction', scenario: 'shipping_fee',
    question: '包邮吗？',
    answer: '亲，全店包邮，新疆、西藏、青海等偏远地区需要补一点运费，下单时页面会自动计算～',
    keywords: ['包邮', '运费', '邮费'], source: 'authored',
  },
  {
    id: 'faq-t02', kind: 'transaction', scenario: 'shipping_fee',
    question: '新疆、西藏等偏远地区运费多少？',
    answer: '亲，偏远地区需要补运费，按重量计算，具体金额在下单页面会显示；多件一起拍会合并计算哦～',
    keywords: ['偏远', '新疆', '西藏', '青海', '运费多少'], source: 'authored',
  },
  {
    id: 'faq-t03', kind: 'transaction', scenario: 'ship_time',
    question: '几点前付款当天发货？几天能到？',
    answer: '亲，每天 16:00 前付款的订单当天发出，之后的次日发出；发货后江浙沪一般 2 天左右到，其他地区 3-5 天左右，大促期间会慢一些～',
    keywords: ['发货', '几天', '当天', '多久'], source: 'seed:003 §付款转化',
  },
  {
    id: 'faq-t04', kind: 'transaction', scenario: 'courier',
    question: '发什么快递？能发顺丰吗？',
    answer: '亲，默认发中通快递，需要顺丰的话补一下运费差价就可以，下单后告诉客服帮您备注～',
    keywords: ['快递', '顺丰', '中通', '发什么'], source: 'seed:004 §核对收件信息',
  },
  {
    id: 'faq-t05', kind: 'transaction', scenario: 'return_refund',
    question: '支持 7 天无理由退换吗？',
    answer: '亲，支持 7 天无理由退换货，宝贝保持吊牌完好、不影响二次销售就可以，在订单里申请后按页面地址寄回～',
    keywords: ['7天', '七天', '无理由', '退换'], source: 'seed:001 §保障',
  },
  {
    id: 'faq-t06', kind: 'transaction', scenario: 'return_shipping',
    question: '退换货运费谁出？',
    answer: '亲，质量问题的来回运费由我们承担；尺码不合适、不喜欢这类非质量问题，退换的运费需要亲自己承担，下单有运费险的可以按规则理赔～',
    keywords: ['运费谁出', '退货运费', '换货运费'], source: 'seed:001 §换货运费',
  },
  {
    id: 'faq-t07', kind: 'transaction', scenario: 'invoice',
    question: '能开发票吗？',
    answer: '亲，可以开电子发票，下单时备注抬头和税号，或者收货后在订单里申请，开好后在订单详情里下载～',
    keywords: ['发票', '开票', '抬头'], source: 'authored',
  },
  {
    id: 'faq-t08', kind: 'transaction', scenario: 'order_change',
    question: '拍错尺码了，能改吗？',
    answer: '亲，发货前都可以改，不用申请退款重拍，告诉客服正确的颜色和尺码，我们直接在后台帮您改好～',
    keywords: ['拍错', '改尺码', '改颜色', '选错'], source: 'seed:004 §问题及对策 3',
  },
  {
    id: 'faq-t09', kind: 'transaction', scenario: 'payment',
    question: '可以用花呗或者信用卡付款吗？',
    answer: '亲，支持花呗、信用卡、银行卡和余额付款；如果付款提示限额，可以换一张卡或者分开付，有问题随时找客服～',
    keywords: ['花呗', '信用卡', '付款', '分期'], source: 'seed:003 §付款遇到问题',
  },
  {
    id: 'faq-t10', kind: 'transaction', scenario: 'authenticity',
    question: '是正品吗？能去专柜验货吗？',
    answer: '亲，我们是品牌官方旗舰店，都是品牌正品，有正品保障服务；支持到专柜验货，宝贝带吊牌和合格证，详情页也有品牌授权书～',
    keywords: ['正品', '验货', '专柜', '假货'], source: 'seed:001 §正品',
  },
  {
    id: 'faq-t11', kind: 'transaction', scenario: 'promotion',
    question: '现在有什么优惠？有优惠券吗？',
    answer: '亲，店铺首页可以领优惠券，下单自动抵扣；多件一起买还能参加满减，收藏店铺就不会错过后面的活动哦～',
    keywords: ['优惠', '优惠券', '满减', '活动'], source: 'seed:000 §真诚引导',
  },
  {
    id: 'faq-t12', kind: 'transaction', scenario: 'logistics',
    question: '怎么查物流？快递到哪了？',
    answer: '亲，在订单详情里点“查看物流”就能看到快递进度；物流好几天没更新的话告诉客服订单号，我们帮您联系快递追踪～',
    keywords: ['物流', '到哪了', '查快递', '单号'], source: 'seed:001 §售后服务',
  },
  {
    id: 'faq-t13', kind: 'transaction', scenario: 'payment',
    question: '多件宝贝怎么一起付款？',
    answer: '亲，把需要的宝贝逐个加入购物车，再一起结算就可以合并付款，我们会按订单一起发出～',
    keywords: ['一起付', '合并', '购物车', '多件'], source: 'seed:001 §网购安全 2',
  },
];
