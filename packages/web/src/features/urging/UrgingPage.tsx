import { App, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Switch, Table, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { urgingApi, type ScriptRow, type UrgingSettings } from '../orders/api.js';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** 催付: per-script sends, payments and rate with its 95 % interval; the shop's reminder settings. */
export function UrgingPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { shop } = useAuth();
  const me = useMe();
  const shopId = shop?.id;
  const [step, setStep] = useState<number | undefined>();
  const [rows, setRows] = useState<ScriptRow[]>([]);
  const [settings, setSettings] = useState<UrgingSettings | null>(null);
  const [form] = Form.useForm();
  const canEdit = me.agent.role !== 'agent';

  const load = useCallback(async () => {
    if (!shopId) return;
    try {
      setRows(await urgingApi.scripts(shopId, step));
      const s = await urgingApi.settings(shopId);
      setSettings(s);
      form.setFieldsValue({ ...s, quietStart: s.quietHours?.start, quietEnd: s.quietHours?.end, quiet: Boolean(s.quietHours), steps: s.steps.map((x) => x.afterMinutes ?? -(x.beforeCloseMinutes ?? 0)) });
    } catch (err) {
      message.error(errorMessage(err));
    }
  }, [shopId, step, form, message]);
  useEffect(() => {
    void load();
  }, [load]);

  const save = async (v: Record<string, unknown>) => {
    if (!shopId) return;
    try {
      const steps = (v.steps as number[]).map((m) => (m >= 0 ? { afterMinutes: m } : { beforeCloseMinutes: -m }));
      const next = await urgingApi.saveSettings(shopId, {
        enabled: v.enabled as boolean,
        maxPerOrder: v.maxPerOrder as number,
        channels: v.channels as Array<'chat' | 'sms'>,
        dispatchCutoff: v.dispatchCutoff as string,
        quietHours: v.quiet ? { start: v.quietStart as string, end: v.quietEnd as string } : null,
        steps,
      });
      setSettings(next);
      message.success(t('common.saved'));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  if (!shopId) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card
        title={<Typography.Title level={4} style={{ margin: 0 }}>{t('urging.scriptsTitle')}</Typography.Title>}
        extra={<Select allowClear placeholder={t('urging.allSteps')} style={{ width: 160 }} value={step} onChange={setStep} options={[0, 1, 2].map((s) => ({ value: s, label: t('urging.step', { n: s + 1 }) }))} />}
      >
        <Typography.Paragraph type="secondary">{t('urging.scriptsHint')}</Typography.Paragraph>
        <Table<ScriptRow>
          rowKey="scriptId"
          pagination={false}
          dataSource={rows}
          data-testid="scripts-table"
          columns={[
            { title: t('urging.script'), dataIndex: 'title', render: (v: string, r) => <Tooltip title={r.text}>{v}</Tooltip> },
            { title: t('urging.sent'), dataIndex: 'sent' },
            { title: t('urging.settled'), dataIndex: 'outcomes' },
            { title: t('urging.paid'), dataIndex: 'paid' },
            { title: t('urging.rate'), dataIndex: 'rate', render: (v: number | null) => pct(v) },
            { title: t('urging.interval'), render: (_, r) => (r.outcomes ? `${pct(r.low)} – ${pct(r.high)}` : '—') },
            {
              title: '',
              width: 180,
              render: (_, r) => (
                <div style={{ position: 'relative', height: 10, background: '#f0f0f0', borderRadius: 5 }}>
                  {r.outcomes > 0 && <div style={{ position: 'absolute', left: `${r.low * 100}%`, width: `${Math.max(1, (r.high - r.low) * 100)}%`, top: 0, bottom: 0, background: '#91caff', borderRadius: 5 }} />}
                  {r.rate !== null && <div style={{ position: 'absolute', left: `calc(${r.rate * 100}% - 2px)`, width: 4, top: -2, bottom: -2, background: '#1677ff' }} />}
                </div>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('urging.settingsTitle')}>
        {settings && (
          <Form form={form} layout="vertical" disabled={!canEdit} onFinish={(v) => void save(v)} style={{ maxWidth: 560 }}>
            <Form.Item name="enabled" label={t('urging.enabled')} valuePropName="checked"><Switch /></Form.Item>
            <Form.List name="steps">
              {(fields, { add, remove }) => (
                <Form.Item label={t('urging.steps')} extra={t('urging.stepsHint')}>
                  <Space direction="vertical">
                    {fields.map((f) => (
                      <Space key={f.key}>
                        <Form.Item name={f.name} noStyle><InputNumber min={-7 * 1440} max={7 * 1440} addonAfter={t('urging.minutes')} /></Form.Item>
                        <Button size="small" onClick={() => remove(f.name)}>{t('common.delete')}</Button>
                      </Space>
                    ))}
                    <Button size="small" onClick={() => add(60)}>{t('common.add')}</Button>
                  </Space>
                </Form.Item>
              )}
            </Form.List>
            <Form.Item name="quiet" label={t('urging.quiet')} valuePropName="checked"><Switch /></Form.Item>
            <Space>
              <Form.Item name="quietStart" label={t('urging.quietStart')}><Input style={{ width: 100 }} placeholder="22:00" /></Form.Item>
              <Form.Item name="quietEnd" label={t('urging.quietEnd')}><Input style={{ width: 100 }} placeholder="08:00" /></Form.Item>
            </Space>
            <Form.Item name="maxPerOrder" label={t('urging.maxPerOrder')}><InputNumber min={0} max={10} /></Form.Item>
            <Form.Item name="channels" label={t('urging.channels')}><Checkbox.Group options={[{ value: 'chat', label: t('urging.chat') }, { value: 'sms', label: t('urging.sms') }]} /></Form.Item>
            <Form.Item name="dispatchCutoff" label={t('urging.cutoff')}><Input style={{ width: 100 }} /></Form.Item>
            <Button type="primary" htmlType="submit">{t('common.save')}</Button>
          </Form>
        )}
      </Card>
    </Space>
  );
}
