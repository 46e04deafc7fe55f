import type { AutoReplySettings as AutoReplyDto } from '@kefu/contracts';
import { Alert, App, Button, Card, Form, Input, InputNumber, Radio, Skeleton, Space, Switch, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';

type Variant = AutoReplyDto['greeting']['variant'];

/** The first greeting as the buyer reads it: the greeting plus the chosen addition. */
export function composeGreeting(g: Partial<Pick<AutoReplyDto['greeting'], 'variant' | 'greeting' | 'promotion' | 'reminder'>>): string {
  if (g.variant === 'greeting_promotion') return `${g.greeting ?? ''}${g.promotion ?? ''}`;
  if (g.variant === 'greeting_reminder') return `${g.greeting ?? ''}${g.reminder ?? ''}`;
  return g.greeting ?? '';
}

/** Settings › 自动回复: first greeting (three styles), returning-buyer greeting, busy and off-hours replies. */
export function AutoReplySettings() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<AutoReplyDto>();
  const [loaded, setLoaded] = useState<AutoReplyDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canEdit = me.agent.role !== 'agent';
  const shopId = shop?.id;

  useEffect(() => {
    if (!shopId) return;
    let live = true;
    setLoaded(null);
    setError(null);
    api
      .get<{ settings: AutoReplyDto }>(`/api/shops/${encodeURIComponent(shopId)}/autoreply`)
      .then((r) => {
        if (!live) return;
        setLoaded(r.settings);
        form.setFieldsValue(r.settings);
      })
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [shopId, form]);

  const variant = Form.useWatch(['greeting', 'variant'], form) as Variant | undefined;
  const greeting = Form.useWatch('greeting', form) as AutoReplyDto['greeting'] | undefined;

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;

  async function save() {
    if (!shopId) return;
    const values = await form.validateFields();
    setBusy(true);
    try {
      const r = await api.request<{ settings: AutoReplyDto }>('PUT', `/api/shops/${encodeURIComponent(shopId)}/autoreply`, values);
      setLoaded(r.settings);
      form.setFieldsValue(r.settings);
      void message.success(t('common.saved'));
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const textRules = [
    { required: true, whitespace: true, message: t('autoReplySettings.textRequired') },
    { max: 500, message: t('autoReplySettings.textTooLong') },
  ];
  const fill = (s: string) => s.split('{shop}').join(shop.name);
  const sectionTitle = (key: string, path: string[]) => (
    <Space>
      <span>{t(`autoReplySettings.${key}`)}</span>
      <Form.Item name={[...path, 'enabled']} valuePropName="checked" noStyle>
        <Switch size="small" disabled={!canEdit} aria-label={`${t(`autoReplySettings.${key}`)} ${t('autoReplySettings.enabled')}`} data-testid={`autoreply-${path[0]}-enabled`} />
      </Form.Item>
    </Space>
  );

  return (
    <Card title={`${t('autoReplySettings.title')} · ${shop.name}`} variant="borderless" style={{ maxWidth: 860 }}>
      <Typography.Paragraph type="secondary">{t('autoReplySettings.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }} data-testid="autoreply-variables">
        <Typography.Text type="secondary">{t('autoReplySettings.variables')}:</Typography.Text>
        <Tag>{'{shop}'}</Tag>
        <Typography.Text type="secondary">{t('autoReplySettings.varShop')}</Typography.Text>
        <Tag>{'{hours}'}</Tag>
        <Typography.Text type="secondary">{t('autoReplySettings.varHours')}</Typography.Text>
      </Space>
      {!canEdit && <Alert type="info" showIcon title={t('autoReplySettings.readOnly')} style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {!loaded && !error && <Skeleton active />}
      <Form form={form} layout="vertical" disabled={!canEdit} requiredMark={false} style={loaded ? undefined : { display: 'none' }}>
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Card size="small" title={sectionTitle('greetingTitle', ['greeting'])}>
            <Typography.Paragraph type="secondary">{t('autoReplySettings.greetingHint')}</Typography.Paragraph>
            <Form.Item name={['greeting', 'variant']} label={t('autoReplySettings.variant')}>
              <Radio.Group
                optionType="button"
                data-testid="autoreply-variant"
                options={[
                  { value: 'greeting', label: t('autoReplySettings.variantGreeting') },
                  { value: 'greeting_promotion', label: t('autoReplySettings.variantPromotion') },
                  { value: 'greeting_reminder', label: t('autoReplySettings.variantReminder') },
                ]}
              />
            </Form.Item>
            <Form.Item name={['greeting', 'greeting']} label={t('autoReplySettings.greetingText')} rules={textRules}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount />
            </Form.Item>
            <Form.Item name={['greeting', 'promotion']} label={t('autoReplySettings.promotionText')} rules={textRules} hidden={variant !== 'greeting_promotion'}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount />
            </Form.Item>
            <Form.Item name={['greeting', 'reminder']} label={t('autoReplySettings.reminderText')} rules={textRules} hidden={variant !== 'greeting_reminder'}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount />
            </Form.Item>
            {loaded && typeof greeting?.greeting === 'string' && (
              <Alert
                type="success"
                data-testid="autoreply-preview"
                title={t('autoReplySettings.preview')}
                description={fill(composeGreeting({ ...greeting, variant: variant ?? greeting.variant }))}
              />
            )}
          </Card>
          <Card size="small" title={sectionTitle('returningTitle', ['returning'])}>
            <Typography.Paragraph type="secondary">{t('autoReplySettings.returningHint')}</Typography.Paragraph>
            <Form.Item name={['returning', 'text']} rules={textRules} style={{ marginBottom: 0 }}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount />
            </Form.Item>
          </Card>
          <Card size="small" title={sectionTitle('busyTitle', ['busy'])}>
            <Typography.Paragraph type="secondary">{t('autoReplySettings.busyHint')}</Typography.Paragraph>
            <Form.Item name={['busy', 'queueThreshold']} label={t('autoReplySettings.queueThreshold')} rules={[{ required: true }]}>
              <InputNumber min={1} max={1000} precision={0} suffix={t('autoReplySettings.people')} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name={['busy', 'text']} rules={textRules} style={{ marginBottom: 0 }}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount />
            </Form.Item>
          </Card>
          <Card size="small" title={sectionTitle('offHoursTitle', ['offHours'])}>
            <Typography.Paragraph type="secondary">{t('autoReplySettings.offHoursHint')}</Typography.Paragraph>
            <Form.Item name={['offHours', 'text']} rules={textRules} style={{ marginBottom: 0 }}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount />
            </Form.Item>
          </Card>
          <Card size="small" title={t('autoReplySettings.autoCloseTitle')}>
            <Space align="baseline" wrap>
              <span>{t('autoReplySettings.autoClose')}</span>
              <Form.Item name="autoCloseMinutes" rules={[{ required: true }]} noStyle>
                <InputNumber min={0} max={7 * 24 * 60} precision={0} style={{ width: 120 }} />
              </Form.Item>
              <span>{t('autoReplySettings.autoCloseSuffix')}</span>
            </Space>
          </Card>
        </Space>
      </Form>
      {loaded && canEdit && (
        <Button type="primary" style={{ marginTop: 16 }} onClick={() => void save()} loading={busy} data-testid="autoreply-save">
          {t('common.save')}
        </Button>
      )}
    </Card>
  );
}
