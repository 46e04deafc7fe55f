import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { SCENARIO_IDS, type ScenarioId } from '@kefu/contracts';
import { Alert, App, Button, Card, Dropdown, Empty, Form, Input, Menu, Modal, Popconfirm, Progress, Segmented, Select, Space, Switch, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { fileToBase64, type ImportResult, quickRepliesApi, type QuickReply, type QuickReplyInput, type Variable } from './api.js';

type Scope = 'all' | 'shared' | 'mine';

/** 快捷短语库: replies grouped by scenario, search, editor with variable insertion, CSV/JSON import and export. */
export function QuickRepliesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const { message } = App.useApp();
  const shopId = shop?.id ?? '';
  const manager = me.agent.role !== 'agent';
  const [list, setList] = useState<QuickReply[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [scope, setScope] = useState<Scope>('all');
  const [scenario, setScenario] = useState<string>('all');
  const [editing, setEditing] = useState<QuickReply | 'new' | null>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [vars, setVars] = useState<Variable[]>([]);

  const load = useCallback(() => {
    if (!shopId) return;
    quickRepliesApi.list(shopId).then((l) => (setList(l), setError(null))).catch((err: unknown) => setError(errorMessage(err)));
  }, [shopId]);
  useEffect(load, [load]);
  useEffect(() => {
    if (shopId) quickRepliesApi.variables(shopId).then(setVars).catch(() => setVars([]));
  }, [shopId]);

  const filtered = useMemo(() => {
    const s = q.trim().toLowerCase().replace(/^\//, '');
    return (list ?? []).filter(
      (r) =>
        (scope === 'all' || (scope === 'shared' ? r.shared : !r.shared)) &&
        (!s || r.title.toLowerCase().includes(s) || r.text.toLowerCase().includes(s) || (r.shortcut ?? '').startsWith(s) || r.keywords.some((k) => k.includes(s))),
    );
  }, [list, q, scope]);
  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const r of filtered) c.set(r.scenario, (c.get(r.scenario) ?? 0) + 1);
    return c;
  }, [filtered]);
  const customCategories = useMemo(() => [...new Set((list ?? []).map((r) => r.category).filter(Boolean))], [list]);
  const shown = scenario === 'all' ? filtered : filtered.filter((r) => r.scenario === scenario || r.category === scenario);

  const menuItems = [
    { key: 'all', label: <ScenarioLabel text={t('common.all')} count={filtered.length} /> },
    ...SCENARIO_IDS.map((id) => ({ key: id, label: <ScenarioLabel text={t(`scenarios.${id}`)} count={counts.get(id) ?? 0} /> })),
    ...customCategories.map((c) => ({ key: c, label: <ScenarioLabel text={`# ${c}`} count={filtered.filter((r) => r.category === c).length} /> })),
  ];

  async function remove(r: QuickReply) {
    try {
      await quickRepliesApi.remove(shopId, r.id);
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  const canEdit = (r: QuickReply) => (r.shared ? manager : r.ownerAgentId === me.agent.id);

  return (
    <div style={{ padding: 16, height: '100%', overflow: 'auto' }} data-testid="quick-replies-page">
      <Card
        title={t('assist.qrTitle')}
        extra={
          <Space wrap>
            <Input.Search allowClear placeholder={t('assist.search')} value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 220 }} data-testid="qr-search" />
            <Segmented<Scope>
              value={scope}
              onChange={setScope}
              options={[
                { value: 'all', label: t('assist.scopeAll') },
                { value: 'shared', label: t('assist.scopeShared') },
                { value: 'mine', label: t('assist.scopeMine') },
              ]}
            />
            <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)} data-testid="qr-import">{t('assist.import')}</Button>
            <Dropdown
              menu={{
                items: [
                  { key: 'csv', label: <a href={quickRepliesApi.exportUrl(shopId, 'csv')} download>{t('assist.exportCsv')}</a> },
                  { key: 'json', label: <a href={quickRepliesApi.exportUrl(shopId, 'json')} download>{t('assist.exportJson')}</a> },
                ],
              }}
            >
              <Button icon={<DownloadOutlined />}>{t('assist.export')}</Button>
            </Dropdown>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="qr-new">{t('assist.newReply')}</Button>
          </Space>
        }
        // The title keeps its width when the toolbar wraps (tablet), instead of shrinking to nothing.
        styles={{ title: { flex: '0 0 auto', marginInlineEnd: 16 }, body: { padding: 0 } }}
      >
        <Typography.Paragraph type="secondary" style={{ margin: '12px 16px' }}>{t('assist.qrHint')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ margin: '0 16px 12px' }} />}
        <div style={{ display: 'flex', borderTop: '1px solid #f0f0f0' }}>
          <Menu
            mode="inline"
            selectedKeys={[scenario]}
            onClick={(e) => setScenario(e.key)}
            items={menuItems}
            style={{ width: 190, flex: '0 0 190px', borderInlineEnd: '1px solid #f0f0f0', maxHeight: 560, overflowY: 'auto' }}
          />
          <div style={{ flex: 1, minWidth: 0 }}>
            <Table<QuickReply>
              rowKey="id"
              size="small"
              loading={list === null && !error}
              dataSource={shown}
              pagination={{ pageSize: 20, size: 'small', showSizeChanger: false }}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('assist.empty')} /> }}
              columns={[
                {
                  title: t('assist.title'),
                  key: 'title',
                  render: (_, r) => (
                    <div>
                      <Space size={4} wrap>
                        <Typography.Text strong>{r.title}</Typography.Text>
                        {r.shortcut && <Tag color="blue" style={{ marginInlineEnd: 0 }}>/{r.shortcut}</Tag>}
                        {scenario === 'all' && <Tag style={{ marginInlineEnd: 0 }}>{t(`scenarios.${r.scenario as ScenarioId}`)}</Tag>}
                        {r.category && <Tag color="purple" style={{ marginInlineEnd: 0 }}>{r.category}</Tag>}
                        {!r.shared && <Tag color="green" style={{ marginInlineEnd: 0 }}>{t('assist.personal')}</Tag>}
                        {r.safeForAuto && <Tag color="gold" style={{ marginInlineEnd: 0 }}>{t('assist.safeForAuto')}</Tag>}
                      </Space>
                      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, tooltip: r.text }} style={{ margin: '2px 0 0', fontSize: 12 }}>{r.text}</Typography.Paragraph>
                    </div>
                  ),
                },
                { title: t('assist.uses'), dataIndex: 'uses', width: 64, align: 'right' },
                { title: t('assist.shownPicked'), key: 'sp', width: 96, align: 'right', render: (_, r) => `${r.shown} / ${r.picked}` },
                {
                  title: <Tooltip title={t('assist.conversionHint')}>{t('assist.conversion')}</Tooltip>,
                  key: 'conv',
                  width: 80,
                  align: 'right',
                  render: (_, r) => (r.conversion === null ? '–' : `${Math.round(r.conversion * 100)}%`),
                },
                {
                  title: '',
                  key: 'actions',
                  width: 110,
                  render: (_, r) =>
                    canEdit(r) ? (
                      <Space size={0}>
                        <Button type="link" size="small" onClick={() => setEditing(r)}>{t('common.edit')}</Button>
                        <Popconfirm title={t('assist.deleteConfirm')} onConfirm={() => void remove(r)}>
                          <Button type="link" size="small" danger>{t('common.delete')}</Button>
                        </Popconfirm>
                      </Space>
                    ) : null,
                },
              ]}
            />
          </div>
        </div>
      </Card>
      <ReplyEditor
        open={editing !== null}
        reply={editing === 'new' ? null : editing}
        defaultScenario={SCENARIO_IDS.includes(scenario as ScenarioId) ? scenario : 'greeting'}
        manager={manager}
        variables={vars}
        onClose={() => setEditing(null)}
        onSave={async (body) => {
          if (editing && editing !== 'new') {
            const { shared: _s, ...patch } = body;
            await quickRepliesApi.update(shopId, editing.id, patch);
          } else await quickRepliesApi.create(shopId, body);
          setEditing(null);
          void message.success(t('common.saved'));
          load();
        }}
      />
      <ImportDialog open={importOpen} shopId={shopId} manager={manager} onClose={() => setImportOpen(false)} onDone={load} />
    </div>
  );
}

function ScenarioLabel({ text, count }: { text: string; count: number }) {
  return (
    <span style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
      <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{text}</span>
      <span style={{ fontSize: 12, color: count ? '#8c8c8c' : '#d9d9d9' }}>{count}</span>
    </span>
  );
}

interface EditorValues {
  scenario: string;
  category: string;
  title: string;
  shortcut: string;
  text: string;
  keywords: string[];
  shared: boolean;
  safeForAuto: boolean;
  imageUrl: string;
  productSku: string;
}

/** Create/edit a reply; variable chips insert `{名称}` at the caret. */
function ReplyEditor(p: { open: boolean; reply: QuickReply | null; defaultScenario: string; manager: boolean; variables: Variable[]; onClose(): void; onSave(body: QuickReplyInput): Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditorValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const area = useRef<TextAreaRef>(null);

  useEffect(() => {
    if (!p.open) return;
    setError(null);
    const r = p.reply;
    form.setFieldsValue({
      scenario: r?.scenario ?? p.defaultScenario,
      category: r?.category ?? '',
      title: r?.title ?? '',
      shortcut: r?.shortcut ?? '',
      text: r?.text ?? '',
      keywords: r?.keywords ?? [],
      shared: r ? r.shared : p.manager,
      safeForAuto: r?.safeForAuto ?? false,
      imageUrl: r?.card?.imageUrl ?? '',
      productSku: r?.card?.productSku ?? '',
    });
  }, [p.open, p.reply, p.defaultScenario, p.manager, form]);

  function insertVar(name: string) {
    const ta = area.current?.resizableTextArea?.textArea;
    const text: string = form.getFieldValue('text') ?? '';
    const s = ta?.selectionStart ?? text.length;
    const e = ta?.selectionEnd ?? text.length;
    const next = `${text.slice(0, s)}{${name}}${text.slice(e)}`;
    form.setFieldValue('text', next);
    requestAnimationFrame(() => {
      ta?.focus();
      ta?.setSelectionRange(s + name.length + 2, s + name.length + 2);
    });
  }

  async function submit() {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const card = v.imageUrl || v.productSku ? { ...(v.imageUrl ? { imageUrl: v.imageUrl } : {}), ...(v.productSku ? { productSku: v.productSku } : {}) } : null;
      await p.onSave({
        scenario: v.scenario,
        category: v.category ?? '',
        title: v.title,
        shortcut: v.shortcut ? v.shortcut : null,
        text: v.text,
        keywords: v.keywords ?? [],
        card,
        shared: v.shared,
        ...(p.manager ? { safeForAuto: v.safeForAuto } : {}),
      });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={p.open} title={p.reply ? t('assist.editReply') : t('assist.newReply')} onCancel={p.onClose} onOk={() => void submit()} confirmLoading={busy} width={640} destroyOnHidden okText={t('common.save')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" requiredMark={false}>
        <Space.Compact block>
          <Form.Item name="scenario" label={t('assist.scenario')} style={{ width: '50%' }}>
            <Select showSearch optionFilterProp="label" options={SCENARIO_IDS.map((id) => ({ value: id, label: t(`scenarios.${id}`) }))} />
          </Form.Item>
          <Form.Item name="category" label={t('assist.category')} style={{ width: '50%', marginInlineStart: 8 }}>
            <Input placeholder={t('assist.categoryPlaceholder')} maxLength={20} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="title" label={t('assist.title')} rules={[{ required: true, whitespace: true, message: t('assist.titleRequired') }]} style={{ width: '60%' }}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="shortcut" label={t('assist.shortcut')} rules={[{ pattern: /^[A-Za-z0-9_-]{0,20}$/, message: t('assist.shortcutInvalid') }]} style={{ width: '40%', marginInlineStart: 8 }}>
            <Input addonBefore="/" maxLength={20} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="text" label={t('assist.text')} rules={[{ required: true, whitespace: true, message: t('assist.textRequired') }]} style={{ marginBottom: 6 }}>
          <Input.TextArea ref={area} autoSize={{ minRows: 3, maxRows: 8 }} maxLength={1000} showCount data-testid="qr-text" />
        </Form.Item>
        <div style={{ marginBottom: 16 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('assist.insertVariable')}：</Typography.Text>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginTop: 4 }}>
            {p.variables.map((v) => (
              <Tooltip key={v.name} title={`${v.label} · ${v.example}`}>
                <Tag style={{ cursor: 'pointer', marginInlineEnd: 0 }} color="processing" onClick={() => insertVar(v.name)}>{`{${v.name}}`}</Tag>
              </Tooltip>
            ))}
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('assist.variablesHint')}</Typography.Text>
        </div>
        <Form.Item name="keywords" label={t('assist.keywords')} extra={t('assist.keywordsHint')}>
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="imageUrl" label={t('assist.imageUrl')} style={{ width: '60%' }}>
            <Input placeholder="https://…" maxLength={500} />
          </Form.Item>
          <Form.Item name="productSku" label={t('assist.productSku')} style={{ width: '40%', marginInlineStart: 8 }}>
            <Input maxLength={64} />
          </Form.Item>
        </Space.Compact>
        <Space size={24}>
          <Form.Item name="shared" label={t('assist.shared')} valuePropName="checked">
            <Switch disabled={!p.manager || p.reply !== null} />
          </Form.Item>
          {p.manager && (
            <Form.Item name="safeForAuto" label={<Tooltip title={t('assist.safeForAutoHint')}>{t('assist.safeForAuto')}</Tooltip>} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Space>
      </Form>
    </Modal>
  );
}

/** Import with progress and a line-by-line error report. */
function ImportDialog(p: { open: boolean; shopId: string; manager: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const [personal, setPersonal] = useState(!p.manager);
  const [stage, setStage] = useState<{ percent: number; status: 'active' | 'success' | 'exception' } | null>(null);
  const [res, setRes] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!p.open) return;
    setStage(null);
    setRes(null);
    setError(null);
  }, [p.open]);

  async function run(file: File) {
    setRes(null);
    setError(null);
    setStage({ percent: 20, status: 'active' });
    try {
      const data = await fileToBase64(file);
      setStage({ percent: 60, status: 'active' });
      const format = /\.json$/i.test(file.name) ? 'json' : 'csv';
      const out = await quickRepliesApi.import(p.shopId, format, data, personal);
      setRes(out);
      setStage({ percent: 100, status: out.failed ? 'exception' : 'success' });
      p.onDone();
    } catch (err) {
      setError(errorMessage(err));
      setStage({ percent: 100, status: 'exception' });
    }
  }

  return (
    <Modal open={p.open} title={t('assist.importTitle')} onCancel={p.onClose} footer={<Button onClick={p.onClose}>{t('common.close')}</Button>} width={640} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('assist.importHint')}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          <Switch checked={personal} disabled={!p.manager} onChange={setPersonal} />
          <span>{t('assist.importPersonal')}</span>
        </Space>
        <Upload.Dragger accept=".csv,.json,text/csv,application/json" showUploadList={false} beforeUpload={(f) => (void run(f), false)} data-testid="qr-import-drop">
          <p style={{ fontSize: 28, margin: 0, color: '#1677ff' }}><UploadOutlined /></p>
          <p>{t('assist.importPick')}</p>
        </Upload.Dragger>
        {stage && <Progress percent={stage.percent} status={stage.status} />}
        {error && <Alert type="error" showIcon message={error} />}
        {res && (
          <>
            <Alert type={res.failed ? 'warning' : 'success'} showIcon message={t('assist.importDone', { imported: res.imported, failed: res.failed, encoding: res.encoding.toUpperCase() })} data-testid="qr-import-result" />
            {res.errors.length > 0 && (
              <Table
                size="small"
                rowKey={(e) => `${e.line}-${e.message}`}
                dataSource={res.errors}
                pagination={{ pageSize: 8, size: 'small' }}
                columns={[
                  { title: t('assist.line'), dataIndex: 'line', width: 70 },
                  { title: t('assist.reason'), dataIndex: 'message' },
                ]}
              />
            )}
          </>
        )}
      </Space>
    </Modal>
  );
}
