import { Alert, Button, Progress, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { kpiApi, type KpiSettings } from './api.js';

const POLL_MS = 1500;

/**
 * The rollups are not up to date for the shop's KPI settings: while the background rebuild runs, its progress (polled
 * until it ends, then `onDone` reloads the figures); when one is due but not running (interrupted, or failed), a
 * button to start it again for those who may change the settings.
 */
export function RebuildBanner({ shopId, settings, canEdit, onDone }: { shopId: string; settings: KpiSettings; canEdit: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const [s, setS] = useState<KpiSettings>(settings);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => setS(settings), [settings]);

  const running = s.rebuild?.running ?? false;
  useEffect(() => {
    if (!running) return;
    let stop = false;
    const timer = setInterval(() => {
      kpiApi.settings(shopId).then(
        (next) => {
          if (stop) return;
          setS(next);
          if (next.upToDate) done.current();
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [shopId, running]);

  if (s.upToDate || !s.rebuild) return null;
  const r = s.rebuild;
  if (r.running) {
    const pct = r.total > 0 ? Math.min(99, Math.floor((r.buyers / r.total) * 100)) : 0;
    return (
      <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="rebuild-progress"
        message={t('kpi.rebuild.running')}
        description={
          <Space direction="vertical" style={{ width: '100%' }} size={4}>
            <Progress percent={pct} status="active" size="small" />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.rebuild.progress', { done: r.buyers.toLocaleString(), total: r.total.toLocaleString() })}</Typography.Text>
          </Space>
        } />
    );
  }
  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const next = await kpiApi.rebuild(shopId);
      setS(next);
      if (next.upToDate) done.current();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };
  return (
    <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="rebuild-due"
      message={r.error ? t('kpi.rebuild.failed', { error: r.error }) : t('kpi.rebuild.due')}
      description={error ?? undefined}
      action={canEdit ? <Button size="small" loading={starting} onClick={() => void start()} data-testid="rebuild-start">{t('kpi.rebuild.start')}</Button> : undefined} />
  );
}
