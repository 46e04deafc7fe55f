import { InboxOutlined } from '@ant-design/icons';
import { Alert, Modal, Progress, Space, Statistic, Table, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { ordersApi, type ImportSummary } from './api.js';

/** Upload a Taobao 订单报表 export; shows progress while it runs, then the counts and the skipped lines. */
export function ImportDialog({ shopId, csrf, open, onClose }: { shopId: string; csrf: string; open: boolean; onClose(changed: boolean): void }) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const s = await ordersApi.importStatus(shopId, id);
        setSummary(s);
        if (s.status === 'running') poll(id);
        else setBusy(false);
      } catch (err) {
        setError(errorMessage(err));
        setBusy(false);
      }
    }, 300);
  };

  const upload = async (file: File) => {
    setError(null);
    setSummary(null);
    setBusy(true);
    try {
      const s = await ordersApi.importFile(shopId, file, csrf);
      setSummary(s);
      if (s.status === 'running') poll(s.id);
      else setBusy(false);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const percent = summary && summary.total > 0 ? Math.round((summary.processed / summary.total) * 100) : 0;
  return (
    <Modal
      open={open}
      title={t('orders.import.title')}
      onCancel={() => onClose(Boolean(summary))}
      onOk={() => onClose(Boolean(summary))}
      okText={t('common.close')}
      cancelButtonProps={{ style: { display: 'none' } }}
      width={680}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Upload.Dragger
          accept=".csv,.txt"
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
          data-testid="import-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('orders.import.drop')}</p>
          <p className="ant-upload-hint">{t('orders.import.hint')}</p>
        </Upload.Dragger>
        {error && <Alert type="error" showIcon message={error} />}
        {summary && (
          <div data-testid="import-progress">
            <Progress percent={summary.status === 'done' ? 100 : percent} status={summary.status === 'failed' ? 'exception' : summary.status === 'running' ? 'active' : 'success'} />
            <Typography.Text type="secondary">
              {t('orders.import.processed', { processed: summary.processed, total: summary.total })}
            </Typography.Text>
          </div>
        )}
        {summary && summary.status !== 'running' && (
          <div data-testid="import-summary">
            <Space size={32} wrap>
              <Statistic title={t('orders.import.imported')} value={summary.imported} />
              <Statistic title={t('orders.import.updated')} value={summary.updated} />
              <Statistic title={t('orders.import.unchanged')} value={summary.unchanged} />
              <Statistic title={t('orders.import.skipped')} value={summary.skipped} valueStyle={summary.skipped ? { color: '#cf1322' } : undefined} />
            </Space>
            {summary.errors.length > 0 && (
              <Table
                size="small"
                style={{ marginTop: 12 }}
                rowKey={(r) => `${r.line}:${r.reason}`}
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                dataSource={summary.errors}
                data-testid="import-errors"
                columns={[
                  { title: t('orders.import.line'), dataIndex: 'line', width: 80 },
                  { title: t('orders.import.reason'), dataIndex: 'reason' },
                ]}
              />
            )}
          </div>
        )}
      </Space>
    </Modal>
  );
}
