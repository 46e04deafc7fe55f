import { Alert, Button, Drawer, Form, InputNumber, Radio, Select, Space, TimePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { kpiApi, type KpiSettings } from './api.js';

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'UTC'];

interface FormValues {
  timeZone: string;
  mode: 'all' | 'custom';
  weekdays: [Dayjs, Dayjs];
  weekend: [Dayjs, Dayjs];
  attributionWindowHours: number;
  sessionGapHours: number;
  creditOn: 'payment' | 'order';
}

const hm = (s: string) => dayjs(`2000-01-01 ${s}`);

/** KPI settings: time zone, business hours, attribution window, conversation end, credit on payment or order. */
export function SettingsDrawer({ shopId, open, canEdit, onClose, onSaved }: { shopId: string; open: boolean; canEdit: boolean; onClose: () => void; onSaved: (rebuilding: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    kpiApi.settings(shopId).then(
      (s: KpiSettings) => {
        const wd = s.businessHours?.find((h) => h.days.includes(1));
        const we = s.businessHours?.find((h) => h.days.includes(6));
        form.setFieldsValue({
          timeZone: s.timeZone,
          mode: s.businessHours ? 'custom' : 'all',
          weekdays: [hm(wd?.open ?? '09:00'), hm(wd?.close ?? '18:00')],
          weekend: [hm(we?.open ?? '10:00'), hm(we?.close ?? '18:00')],
          attributionWindowHours: s.attributionWindowHours,
          sessionGapHours: s.sessionGapHours,
          creditOn: s.creditOn,
        });
      },
      (err) => setError(errorMessage(err)),
    );
  }, [open, shopId, form]);

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const r = await kpiApi.saveSettings(shopId, {
        timeZone: v.timeZone,
        businessHours:
          v.mode === 'all'
            ? null
            : [
                { days: [1, 2, 3, 4, 5], open: v.weekdays[0].format('HH:mm'), close: v.weekdays[1].format('HH:mm') },
                { days: [0, 6], open: v.weekend[0].format('HH:mm'), close: v.weekend[1].format('HH:mm') },
              ],
        attributionWindowHours: v.attributionWindowHours,
        sessionGapHours: v.sessionGapHours,
        creditOn: v.creditOn,
      });
      onSaved(r.rebuilding);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} width={460} title={t('kpi.set.title')} destroyOnHidden
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={saving} disabled={!canEdit} onClick={() => void save()}>{t('common.save')}</Button></Space>}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" disabled={!canEdit}>
        <Form.Item name="timeZone" label={t('kpi.set.timeZone')}>
          <Select showSearch options={ZONES.map((z) => ({ value: z, label: z }))} />
        </Form.Item>
        <Form.Item name="mode" label={t('kpi.set.businessHours')}>
          <Radio.Group options={[{ value: 'all', label: t('kpi.set.allDay') }, { value: 'custom', label: t('kpi.set.custom') }]} />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.mode !== b.mode}>
          {() =>
            form.getFieldValue('mode') === 'custom' && (
              <>
                <Form.Item name="weekdays" label={t('kpi.set.weekdays')}><TimePicker.RangePicker format="HH:mm" minuteStep={15} /></Form.Item>
                <Form.Item name="weekend" label={t('kpi.set.weekend')}><TimePicker.RangePicker format="HH:mm" minuteStep={15} /></Form.Item>
              </>
            )
          }
        </Form.Item>
        <Form.Item name="attributionWindowHours" label={t('kpi.set.window')} extra={t('kpi.set.windowHelp')} rules={[{ required: true }]}>
          <InputNumber min={1} max={720} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="sessionGapHours" label={t('kpi.set.gap')} rules={[{ required: true }]}>
          <InputNumber min={1} max={336} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="creditOn" label={t('kpi.set.creditOn')}>
          <Radio.Group options={[{ value: 'payment', label: t('kpi.set.payment') }, { value: 'order', label: t('kpi.set.order') }]} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
