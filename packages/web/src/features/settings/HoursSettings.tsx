import { CopyOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { BusinessHours } from '@kefu/contracts';
import { Alert, App, Button, Card, Space, Table, Tag, TimePicker, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { shopsApi } from '../../api/endpoints.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';

type Range = { start: string; end: string };

const toDayjs = (hhmm: string): Dayjs => {
  const [h = '0', m = '0'] = hhmm.split(':');
  // 24:00 (end of day) shows as 23:59 in the picker.
  return Number(h) >= 24 ? dayjs().hour(23).minute(59) : dayjs().hour(Number(h)).minute(Number(m));
};

/** Checks one day's ranges: each end after its start. */
export function rangeValid(r: Range): boolean {
  return r.end > r.start;
}

/** Settings › 营业时间: per-weekday reception ranges in the shop's time zone. */
export function HoursSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop, updateShop } = useAuth();
  const { message } = App.useApp();
  const [days, setDays] = useState<Range[][]>(() => shop?.businessHours.days ?? []);
  const [busy, setBusy] = useState(false);
  const canEdit = me.agent.role !== 'agent';
  const weekdays = t('settings.weekdays', { returnObjects: true }) as unknown as string[];

  useEffect(() => {
    if (shop) setDays(shop.businessHours.days.map((d) => d.map((r) => ({ ...r }))));
  }, [shop]);

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;

  const setDay = (i: number, ranges: Range[]) => setDays((cur) => cur.map((d, j) => (j === i ? ranges : d)));
  const invalid = days.some((d) => d.some((r) => !rangeValid(r)));
  // Monday first, as Chinese calendars show the week.
  const order = [1, 2, 3, 4, 5, 6, 0];

  async function save() {
    if (!shop) return;
    setBusy(true);
    try {
      const businessHours: BusinessHours = { days };
      updateShop(await shopsApi.update(shop.id, { businessHours }));
      void message.success(t('common.saved'));
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={`${t('settings.hoursTitle')} · ${shop.name}`} variant="borderless" style={{ maxWidth: 860 }}>
      <Typography.Paragraph type="secondary">{t('settings.hoursHint')} ({shop.timeZone})</Typography.Paragraph>
      {!canEdit && <Alert type="info" showIcon title={t('settings.readOnly')} style={{ marginBottom: 16 }} />}
      <Table
        size="middle"
        pagination={false}
        rowKey="day"
        dataSource={order.map((day) => ({ day, ranges: days[day] ?? [] }))}
        columns={[
          { title: '', dataIndex: 'day', width: 90, render: (d: number) => <strong>{weekdays[d]}</strong> },
          {
            title: '',
            dataIndex: 'ranges',
            render: (ranges: Range[], row) => (
              <Space wrap data-testid={`hours-day-${row.day}`}>
                {ranges.length === 0 && <Tag>{t('settings.closed')}</Tag>}
                {ranges.map((r, i) => (
                  <Space.Compact key={i}>
                    <TimePicker.RangePicker
                      format="HH:mm"
                      minuteStep={5}
                      allowClear={false}
                      disabled={!canEdit}
                      status={rangeValid(r) ? undefined : 'error'}
                      value={[toDayjs(r.start), toDayjs(r.end)]}
                      order={false}
                      onChange={(v) => {
                        if (!v?.[0] || !v[1]) return;
                        const end = v[1].format('HH:mm') === '23:59' ? '24:00' : v[1].format('HH:mm');
                        setDay(row.day, ranges.map((x, j) => (j === i ? { start: v[0]!.format('HH:mm'), end } : x)));
                      }}
                      style={{ width: 190 }}
                    />
                    {canEdit && (
                      <Button icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => setDay(row.day, ranges.filter((_, j) => j !== i))} />
                    )}
                  </Space.Compact>
                ))}
                {canEdit && ranges.length < 4 && (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => setDay(row.day, [...ranges, { start: '09:00', end: '18:00' }])}>
                    {t('settings.addRange')}
                  </Button>
                )}
                {canEdit && (
                  <Tooltip title={t('settings.copyToAll')}>
                    <Button type="text" size="small" icon={<CopyOutlined />} aria-label={t('settings.copyToAll')} onClick={() => setDays(days.map(() => ranges.map((x) => ({ ...x }))))} />
                  </Tooltip>
                )}
              </Space>
            ),
          },
        ]}
        showHeader={false}
      />
      {invalid && <Alert type="error" showIcon title={t('settings.rangeInvalid')} style={{ marginTop: 12 }} />}
      {canEdit && (
        <Button type="primary" style={{ marginTop: 16 }} onClick={() => void save()} loading={busy} disabled={invalid}>
          {t('common.save')}
        </Button>
      )}
    </Card>
  );
}
