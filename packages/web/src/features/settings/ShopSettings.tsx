import type { Platform } from '@kefu/contracts';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { shopsApi } from '../../api/endpoints.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { TARGET_MAX_SEC, TARGET_MIN_SEC, targetSecOf } from '../workbench/time.js';

export const PLATFORM_IDS: readonly Platform[] = ['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'wechat', 'web'];
const TIME_ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];

interface Values {
  name: string;
  platform: Platform;
  timeZone: string;
  responseTargetSec: number;
}

/** Settings › 店铺: name, platform, time zone and first-response target of the current shop. */
export function ShopSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop, updateShop } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const canEdit = me.agent.role !== 'agent';

  useEffect(() => {
    if (shop) form.setFieldsValue({ name: shop.name, platform: shop.platform, timeZone: shop.timeZone, responseTargetSec: targetSecOf(shop) });
  }, [shop, form]);

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;

  async function save(v: Values) {
    if (!shop) return;
    setBusy(true);
    try {
      // The target is sent only when it changed (the coach page may have stored a value outside these bounds).
      const { responseTargetSec, ...rest } = v;
      updateShop(await shopsApi.update(shop.id, responseTargetSec === targetSecOf(shop) ? rest : v));
      void message.success(t('common.saved'));
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const zones = TIME_ZONES.includes(shop.timeZone) ? TIME_ZONES : [shop.timeZone, ...TIME_ZONES];
  return (
    <Card title={`${t('settings.shopTitle')} · ${shop.name}`} variant="borderless" style={{ maxWidth: 720 }}>
      {!canEdit && <Alert type="info" showIcon title={t('settings.readOnly')} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void save(v)} disabled={!canEdit || busy} requiredMark={false}>
        <Form.Item name="name" label={t('settings.name')} rules={[{ required: true, whitespace: true, message: t('settings.nameRequired') }, { max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="platform" label={t('settings.platform')}>
          <Select options={PLATFORM_IDS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))} />
        </Form.Item>
        <Form.Item name="timeZone" label={t('settings.timeZone')}>
          <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
        </Form.Item>
        <Form.Item
          name="responseTargetSec"
          label={t('settings.responseTarget')}
          extra={t('settings.responseTargetHint')}
          rules={[{ required: true, type: 'integer', min: TARGET_MIN_SEC, max: TARGET_MAX_SEC, message: t('settings.responseTargetRange', { min: TARGET_MIN_SEC, max: TARGET_MAX_SEC }) }]}
        >
          <InputNumber min={TARGET_MIN_SEC} max={TARGET_MAX_SEC} precision={0} step={5} suffix={t('settings.seconds')} style={{ width: 160 }} data-testid="response-target" />
        </Form.Item>
        <Form.Item label={t('settings.publicKey')}>
          <Typography.Text code copyable>{shop.publicKey}</Typography.Text>
        </Form.Item>
        {canEdit && (
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}
