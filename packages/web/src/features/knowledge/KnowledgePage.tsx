import { PlusOutlined } from '@ant-design/icons';
import { SCENARIO_IDS, type ScenarioId } from '@kefu/contracts';
import { Alert, App, Button, Card, Descriptions, Drawer, Empty, Form, Input, InputNumber, List, Modal, Popconfirm, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { type FaqEntry, type FaqKind, knowledgeApi, type Product } from './api.js';

const KINDS: readonly FaqKind[] = ['product', 'recommend', 'transaction'];
const KIND_COLOR: Record<FaqKind, string> = { product: 'blue', recommend: 'green', transaction: 'orange' };

/** 知识库: FAQ (three kinds) and product files. */
export function KnowledgePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const shopId = shop?.id ?? '';
  const manager = me.agent.role !== 'agent';
  return (
    <div style={{ padding: 16, height: '100%', overflow: 'auto' }} data-testid="knowledge-page">
      <Card title={t('assist.kbTitle')} extra={!manager && <Typography.Text type="secondary">{t('assist.readOnly')}</Typography.Text>} styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          items={[
            { key: 'faq', label: t('assist.faqTab'), children: <FaqTab shopId={shopId} manager={manager} /> },
            { key: 'products', label: t('assist.productsTab'), children: <ProductsTab shopId={shopId} manager={manager} /> },
          ]}
        />
      </Card>
    </div>
  );
}

function FaqTab({ shopId, manager }: { shopId: string; manager: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [list, setList] = useState<FaqEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<FaqKind | 'all'>('all');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<FaqEntry | 'new' | null>(null);
  const [form] = Form.useForm<Omit<FaqEntry, 'id' | 'shown' | 'picked'>>();
  const load = useCallback(() => {
    if (shopId) knowledgeApi.faq(shopId).then(setList).catch((err: unknown) => setError(errorMessage(err)));
  }, [shopId]);
  useEffect(load, [load]);
  useEffect(() => {
    if (editing === null) return;
    const f = editing === 'new' ? null : editing;
    form.setFieldsValue({ kind: f?.kind ?? 'product', scenario: f?.scenario ?? 'product_info', question: f?.question ?? '', answer: f?.answer ?? '', keywords: f?.keywords ?? [], productSku: f?.productSku ?? null });
  }, [editing, form]);
  const shown = useMemo(() => {
    const s = q.trim();
    return (list ?? []).filter((f) => (kind === 'all' || f.kind === kind) && (!s || f.question.includes(s) || f.answer.includes(s) || f.keywords.some((k) => k.includes(s))));
  }, [list, kind, q]);

  async function save() {
    const v = await form.validateFields();
    const body = { ...v, productSku: v.productSku || null, keywords: v.keywords ?? [] };
    try {
      if (editing && editing !== 'new') await knowledgeApi.updateFaq(shopId, editing.id, body);
      else await knowledgeApi.createFaq(shopId, body);
      setEditing(null);
      void message.success(t('common.saved'));
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<FaqKind | 'all'> value={kind} onChange={setKind} options={[{ value: 'all', label: t('common.all') }, ...KINDS.map((k) => ({ value: k, label: t(`assist.faqKinds.${k}`) }))]} />
        <Input.Search allowClear placeholder={t('common.search')} value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 220 }} />
        {manager && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('assist.newFaq')}</Button>}
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Table<FaqEntry>
        rowKey="id"
        size="small"
        loading={list === null && !error}
        dataSource={shown}
        pagination={{ pageSize: 10, size: 'small' }}
        columns={[
          { title: t('assist.kind'), dataIndex: 'kind', width: 96, render: (k: FaqKind) => <Tag color={KIND_COLOR[k]}>{t(`assist.faqKinds.${k}`)}</Tag> },
          {
            title: t('assist.question'),
            key: 'q',
            render: (_, f) => (
              <div>
                <Typography.Text strong>{f.question}</Typography.Text>
                {f.productSku && <Tag style={{ marginInlineStart: 6 }}>{f.productSku}</Tag>}
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, tooltip: f.answer }} style={{ margin: 0, fontSize: 12 }}>{f.answer}</Typography.Paragraph>
              </div>
            ),
          },
          { title: t('assist.scenario'), dataIndex: 'scenario', width: 96, render: (s: string) => t(`scenarios.${s as ScenarioId}`) },
          { title: t('assist.shownPicked'), key: 'sp', width: 96, align: 'right', render: (_, f) => `${f.shown} / ${f.picked}` },
          {
            title: '',
            key: 'a',
            width: 110,
            render: (_, f) =>
              manager && (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setEditing(f)}>{t('common.edit')}</Button>
                  <Popconfirm title={t('assist.deleteConfirm')} onConfirm={() => void knowledgeApi.removeFaq(shopId, f.id).then(load, (err: unknown) => void message.error(errorMessage(err)))}>
                    <Button type="link" size="small" danger>{t('common.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('assist.newFaq') : t('assist.editFaq')} onCancel={() => setEditing(null)} onOk={() => void save()} okText={t('common.save')} destroyOnHidden width={600}>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Space.Compact block>
            <Form.Item name="kind" label={t('assist.kind')} style={{ width: '50%' }}>
              <Select options={KINDS.map((k) => ({ value: k, label: t(`assist.faqKinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="scenario" label={t('assist.scenario')} style={{ width: '50%', marginInlineStart: 8 }}>
              <Select showSearch optionFilterProp="label" options={SCENARIO_IDS.map((id) => ({ value: id, label: t(`scenarios.${id}`) }))} />
            </Form.Item>
          </Space.Compact>
          <Form.Item name="question" label={t('assist.question')} rules={[{ required: true, whitespace: true, message: t('assist.questionRequired') }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="answer" label={t('assist.answer')} rules={[{ required: true, whitespace: true, message: t('assist.answerRequired') }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={1000} showCount />
          </Form.Item>
          <Form.Item name="keywords" label={t('assist.keywords')}>
            <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
          <Form.Item name="productSku" label={t('assist.productSku')}>
            <Input maxLength={64} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

const lines = (s: string | undefined) => (s ?? '').split('\n').map((x) => x.trim()).filter(Boolean);

function ProductsTab({ shopId, manager }: { shopId: string; manager: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [list, setList] = useState<Product[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Product | null>(null);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [form] = Form.useForm<{ sku: string; name: string; price: number; colors: string[]; sizes: string[]; material: string; sellingPoints: string; cautions: string }>();
  const load = useCallback(() => {
    if (shopId) knowledgeApi.products(shopId).then(setList).catch((err: unknown) => setError(errorMessage(err)));
  }, [shopId]);
  useEffect(load, [load]);
  useEffect(() => {
    if (editing === null) return;
    const p = editing === 'new' ? null : editing;
    form.setFieldsValue({
      sku: p?.sku ?? '', name: p?.name ?? '', price: p?.price ?? 0, colors: p?.colors ?? [], sizes: p?.sizes ?? [],
      material: (p?.material ?? []).map((m) => `${m.part}：${m.value}`).join('\n'), sellingPoints: (p?.sellingPoints ?? []).join('\n'), cautions: (p?.cautions ?? []).join('\n'),
    });
  }, [editing, form]);

  async function save() {
    const v = await form.validateFields();
    const body = {
      sku: v.sku, name: v.name, price: v.price, colors: v.colors ?? [], sizes: v.sizes ?? [],
      material: lines(v.material).map((l) => {
        const [part, ...rest] = l.split(/[:：]/);
        return { part: (part ?? '').trim() || '—', value: rest.join('：').trim() || (part ?? '').trim() };
      }),
      sellingPoints: lines(v.sellingPoints), cautions: lines(v.cautions),
    };
    try {
      if (editing && editing !== 'new') await knowledgeApi.updateProduct(shopId, editing.id, body);
      else await knowledgeApi.createProduct(shopId, body);
      setEditing(null);
      setOpen(null);
      void message.success(t('common.saved'));
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  const stockOf = (p: Product) => Object.values(p.stock ?? {}).reduce((n, bySize) => n + Object.values(bySize).reduce((a, b) => a + b, 0), 0);
  return (
    <>
      {manager && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} style={{ marginBottom: 12 }}>{t('assist.newProduct')}</Button>}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <List
        grid={{ gutter: 12, xs: 1, sm: 2, md: 2, lg: 3, xl: 3, xxl: 4 }}
        loading={list === null && !error}
        dataSource={list ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        renderItem={(p) => (
          <List.Item>
            <Card size="small" hoverable onClick={() => setOpen(p)} title={p.name} extra={<Typography.Text strong style={{ color: '#cf1322' }}>¥{p.price}</Typography.Text>} data-testid="product-card">
              <Space size={4} wrap style={{ marginBottom: 6 }}>
                <Tag>{p.sku}</Tag>
                <Tag color={stockOf(p) > 0 ? 'green' : 'red'}>{t('assist.stock')} {stockOf(p)}</Tag>
              </Space>
              <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0, fontSize: 12 }}>{(p.sellingPoints ?? []).join('；')}</Typography.Paragraph>
            </Card>
          </List.Item>
        )}
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={open?.name} size={560} extra={manager && open && <Button onClick={() => setEditing(open)}>{t('common.edit')}</Button>}>
        {open && <ProductFile p={open} />}
        {open && manager && (
          <Popconfirm title={t('assist.deleteConfirm')} onConfirm={() => void knowledgeApi.removeProduct(shopId, open.id).then(() => (setOpen(null), load()), (err: unknown) => void message.error(errorMessage(err)))}>
            <Button danger style={{ marginTop: 16 }}>{t('common.delete')}</Button>
          </Popconfirm>
        )}
      </Drawer>
      <Modal open={editing !== null} title={editing === 'new' ? t('assist.newProduct') : t('assist.editProduct')} onCancel={() => setEditing(null)} onOk={() => void save()} okText={t('common.save')} destroyOnHidden width={640}>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Space.Compact block>
            <Form.Item name="sku" label={t('assist.sku')} rules={[{ required: true, whitespace: true }]} style={{ width: '35%' }}><Input maxLength={64} /></Form.Item>
            <Form.Item name="name" label={t('assist.name')} rules={[{ required: true, whitespace: true }]} style={{ width: '45%', marginInlineStart: 8 }}><Input maxLength={80} /></Form.Item>
            <Form.Item name="price" label={t('assist.price')} rules={[{ required: true }]} style={{ width: '20%', marginInlineStart: 8 }}><InputNumber min={0} style={{ width: '100%' }} /></Form.Item>
          </Space.Compact>
          <Space.Compact block>
            <Form.Item name="colors" label={t('assist.colors')} style={{ width: '50%' }}><Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} /></Form.Item>
            <Form.Item name="sizes" label={t('assist.sizes')} style={{ width: '50%', marginInlineStart: 8 }}><Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} /></Form.Item>
          </Space.Compact>
          <Form.Item name="material" label={t('assist.material')} extra={t('assist.materialHint')}><Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} /></Form.Item>
          <Form.Item name="sellingPoints" label={t('assist.sellingPoints')} extra={t('assist.linesHint')}><Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} /></Form.Item>
          <Form.Item name="cautions" label={t('assist.cautions')} extra={t('assist.linesHint')}><Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The product file as an agent reads it while chatting. */
function ProductFile({ p }: { p: Product }) {
  const { t } = useTranslation();
  const chart = p.sizeChart;
  const sizes = p.sizes ?? [];
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('assist.sku')}>{p.sku}</Descriptions.Item>
        <Descriptions.Item label={t('assist.price')}>¥{p.price}</Descriptions.Item>
        <Descriptions.Item label={t('assist.colors')} span={2}>{(p.colors ?? []).join('、')}</Descriptions.Item>
        {(p.material ?? []).map((m) => (
          <Descriptions.Item key={m.part} label={m.part} span={2}>{m.value}</Descriptions.Item>
        ))}
      </Descriptions>
      {(p.facts ?? []).length > 0 && <div>{(p.facts ?? []).map((f) => <Tag key={f}>{f}</Tag>)}</div>}
      <Section title={t('assist.sellingPoints')} items={p.sellingPoints} />
      <Section title={t('assist.cautions')} items={p.cautions} type="warning" />
      {chart && (
        <div>
          <Typography.Title level={5}>{t('assist.sizeChart')}</Typography.Title>
          <Table
            size="small"
            pagination={false}
            rowKey="size"
            dataSource={chart.rows}
            columns={[
              { title: t('assist.sizes'), dataIndex: 'size', width: 70 },
              {
                title: '',
                key: 'fit',
                render: (_, r) => (chart.kind === 'shoe' ? t('assist.footLength', { cm: r.footLengthMaxCm }) : t('assist.heightWeight', { h: r.heightCm?.join('–'), w: r.weightKg?.join('–') })),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 6 }}>{chart.note}</Typography.Paragraph>
        </div>
      )}
      {p.stock && (
        <div>
          <Typography.Title level={5}>{t('assist.stock')}</Typography.Title>
          <Table
            size="small"
            pagination={false}
            rowKey="color"
            dataSource={Object.entries(p.stock).map(([color, bySize]) => ({ color, ...bySize }))}
            columns={[
              { title: t('assist.colors'), dataIndex: 'color', width: 80 },
              ...sizes.map((s) => ({ title: s, dataIndex: s, width: 48, render: (n: number | undefined) => (n ? n : <Typography.Text type="danger">{t('assist.soldOut')}</Typography.Text>) })),
            ]}
            scroll={{ x: true }}
          />
        </div>
      )}
    </Space>
  );
}

function Section({ title, items, type }: { title: string; items: string[] | undefined; type?: 'warning' }) {
  if (!items?.length) return null;
  return (
    <div>
      <Typography.Title level={5}>{title}</Typography.Title>
      <ul style={{ paddingInlineStart: 20, margin: 0 }}>
        {items.map((s) => (
          <li key={s}><Typography.Text {...(type ? { type } : {})}>{s}</Typography.Text></li>
        ))}
      </ul>
    </div>
  );
}
