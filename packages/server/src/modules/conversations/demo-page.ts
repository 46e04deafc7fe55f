const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A storefront product page for the demo shop, with the widget loader pasted in as a shop would. */
export function demoPage(publicKey: string, shopName: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>山野 Trail Pro 轻量防水徒步鞋 - ${esc(shopName)}</title>
<style>
  body { margin: 0; font: 15px/1.6 -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #222; background: #f6f6f4; }
  header { background: #2f5d3a; color: #fff; padding: 12px 20px; font-weight: 600; }
  main { max-width: 980px; margin: 20px auto; background: #fff; padding: 24px; display: grid; grid-template-columns: 1fr 1fr; gap: 28px; border-radius: 8px; }
  .pic { aspect-ratio: 1; border-radius: 8px; background: linear-gradient(135deg, #c9d8b6, #6f8f5f); display: flex; align-items: center; justify-content: center; font-size: 88px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  .price { color: #e4393c; font-size: 28px; font-weight: 700; }
  .price s { color: #999; font-size: 15px; font-weight: 400; margin-left: 8px; }
  .tag { display: inline-block; background: #fff1f0; color: #e4393c; border: 1px solid #ffccc7; border-radius: 3px; padding: 0 6px; margin-right: 6px; font-size: 12px; }
  .sizes span { display: inline-block; border: 1px solid #ccc; padding: 2px 12px; margin: 4px 6px 4px 0; border-radius: 3px; }
  ul { padding-left: 18px; }
  button.buy { background: #e4393c; color: #fff; border: 0; padding: 10px 28px; font-size: 16px; border-radius: 4px; }
  @media (max-width: 700px) { main { grid-template-columns: 1fr; margin: 0; border-radius: 0; } }
</style>
</head>
<body>
<header>${esc(shopName)} · 专注户外 12 年</header>
<main>
  <div class="pic" aria-hidden="true">🥾</div>
  <div>
    <h1>山野 Trail Pro 轻量防水徒步鞋 男女款 低帮透气登山鞋</h1>
    <div><span class="tag">包邮</span><span class="tag">7天无理由退换</span><span class="tag">运费险</span></div>
    <p class="price">¥ 399 <s>¥ 599</s></p>
    <p>月销 2,000+ · 累计评价 8,600+</p>
    <div class="sizes">尺码：<span>36</span><span>37</span><span>38</span><span>39</span><span>40</span><span>41</span><span>42</span><span>43</span><span>44</span></div>
    <ul>
      <li>防水透气膜，小雨和溪边涉水不湿脚</li>
      <li>大底耐磨防滑橡胶，湿滑岩面抓地稳</li>
      <li>单只约 380 克（42 码），长距离徒步不累脚</li>
      <li>尺码偏正常，脚背高或脚宽建议拍大半码</li>
    </ul>
    <button class="buy" type="button">立即购买</button>
    <p style="color:#666;font-size:13px">有尺码、发货、售后问题？点右下角「联系客服」。</p>
  </div>
</main>
<script src="/widget/kefu.js" data-shop-key="${esc(publicKey)}" async></script>
</body>
</html>
`;
}
