import { PlusOutlined } from '@ant-design/icons';
import type { AgentStatus, GroupDto, GroupKind, PresenceDto } from '@kefu/contracts';
import { Alert, App, Badge, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';

const KINDS: readonly GroupKind[] = ['presales', 'aftersales', 'custom'];
const KIND_COLOR: Record<GroupKind, string> = { presales: 'blue', aftersales: 'orange', custom: 'default' };
const STATUS_BADGE: Record<AgentStatus, 'success' | 'warning' | 'default' | 'error'> = { online: 'success', busy: 'warning', away: 'default', offline: 'default' };

interface GroupValues {
  name: string;
  kind: GroupKind;
  memberIds: string[];
}

/** Settings › 分组与分流: how chats are routed, agent groups (售前/售后/custom) and the agents' current load. */
export function RoutingSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const { message } = App.useApp();
  const [groups, setGroups] = useState<GroupDto[] | null>(null);
  const [agents, setAgents] = useState<PresenceDto[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<GroupDto | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<GroupValues>();
  const canEdit = me.agent.role !== 'agent';
  const shopId = shop?.id;
  const base = shopId ? `/api/shops/${encodeURIComponent(shopId)}` : '';

  const load = useCallback(() => {
    if (!base) return;
    setError(null);
    Promise.all([api.get<{ groups: GroupDto[] }>(`${base}/groups`), api.get<{ agents: PresenceDto[] }>(`${base}/presence`)])
      .then(([g, p]) => {
        setGroups(g.groups);
        setAgents(p.agents);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [base]);
  useEffect(() => {
    setGroups(null);
    load();
  }, [load]);

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;

  const agentName = new Map(agents.map((a) => [a.agentId, a.displayName]));
  const rules = t('routingSettings.rules', { returnObjects: true }) as unknown as string[];

  function open(target: GroupDto | 'new') {
    setEditing(target);
    form.setFieldsValue(target === 'new' ? { name: '', kind: 'presales', memberIds: [] } : { name: target.name, kind: target.kind, memberIds: target.memberIds });
  }

  async function submit() {
    const v = await form.validateFields();
    setBusy(true);
    try {
      if (editing === 'new') {
        await api.post(`${base}/groups`, v);
        void message.success(t('routingSettings.created'));
      } else if (editing) {
        await api.patch(`${base}/groups/${encodeURIComponent(editing.id)}`, { name: v.name, memberIds: v.memberIds });
        void message.success(t('common.saved'));
      }
      setEditing(null);
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(g: GroupDto) {
    try {
      await api.del(`${base}/groups/${encodeURIComponent(g.id)}`);
      void message.success(t('routingSettings.deleted'));
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%', maxWidth: 960 }}>
      <Card title={`${t('routingSettings.title')} · ${shop.name}`} variant="borderless">
        <Typography.Title level={5} style={{ marginTop: 0 }}>{t('routingSettings.rulesTitle')}</Typography.Title>
        <ol style={{ paddingInlineStart: 20, margin: 0 }} data-testid="routing-rules">
          {rules.map((r, i) => (
            <li key={i} style={{ marginBottom: 6 }}>
              <Typography.Text>{r}</Typography.Text>
            </li>
          ))}
        </ol>
      </Card>

      <Card
        title={t('routingSettings.groupsTitle')}
        variant="borderless"
        extra={
          canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="new-group">
              {t('routingSettings.newGroup')}
            </Button>
          )
        }
      >
        {!canEdit && <Alert type="info" showIcon title={t('routingSettings.readOnly')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} action={<Button size="small" onClick={load}>{t('common.retry')}</Button>} />}
        <Table<GroupDto>
          rowKey="id"
          size="middle"
          loading={groups === null && !error}
          dataSource={groups ?? []}
          pagination={false}
          data-testid="groups-table"
          columns={[
            { title: t('routingSettings.groupName'), dataIndex: 'name', render: (n: string) => <strong>{n}</strong> },
            { title: t('routingSettings.groupKind'), dataIndex: 'kind', width: 110, render: (k: GroupKind) => <Tag color={KIND_COLOR[k]}>{t(`routingSettings.kinds.${k}`)}</Tag> },
            {
              title: t('routingSettings.members'),
              dataIndex: 'memberIds',
              render: (ids: string[]) =>
                ids.length === 0 ? (
                  <Typography.Text type="secondary">{t('routingSettings.noMembers')}</Typography.Text>
                ) : (
                  <Space size={[4, 4]} wrap>
                    {ids.map((id) => <Tag key={id}>{agentName.get(id) ?? t('routingSettings.unknownAgent')}</Tag>)}
                  </Space>
                ),
            },
            ...(canEdit
              ? [
                  {
                    title: t('settings.actions'),
                    key: 'actions',
                    width: 140,
                    render: (_: unknown, g: GroupDto) => (
                      <Space>
                        <Button type="link" size="small" onClick={() => open(g)}>{t('common.edit')}</Button>
                        <Popconfirm title={t('routingSettings.deleteConfirm', { name: g.name })} onConfirm={() => void remove(g)} okButtonProps={{ danger: true }}>
                          <Button type="link" size="small" danger>{t('common.delete')}</Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      <Card title={t('routingSettings.agentsTitle')} variant="borderless">
        <Table<PresenceDto>
          rowKey="agentId"
          size="small"
          pagination={false}
          dataSource={agents}
          columns={[
            { title: t('routingSettings.agent'), dataIndex: 'displayName' },
            { title: t('routingSettings.status'), dataIndex: 'status', width: 120, render: (s: AgentStatus) => <Badge status={STATUS_BADGE[s]} text={t(`agentStatus.${s}`)} /> },
            { title: t('routingSettings.load'), key: 'load', width: 140, render: (_: unknown, a: PresenceDto) => `${a.load} / ${a.maxConcurrent}` },
          ]}
        />
      </Card>

      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('routingSettings.newGroup') : t('routingSettings.editGroup')}
        onCancel={() => setEditing(null)}
        onOk={() => void submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="name" label={t('routingSettings.groupName')} rules={[{ required: true, whitespace: true, message: t('routingSettings.groupNameRequired') }, { max: 40 }]}>
            <Input maxLength={40} placeholder={t('routingSettings.namePlaceholder')} />
          </Form.Item>
          <Form.Item name="kind" label={t('routingSettings.groupKind')} extra={editing !== 'new' ? t('routingSettings.kindFixed') : undefined}>
            <Select disabled={editing !== 'new'} options={KINDS.map((k) => ({ value: k, label: t(`routingSettings.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="memberIds" label={t('routingSettings.members')}>
            <Select
              mode="multiple"
              allowClear
              optionFilterProp="label"
              options={agents.map((a) => ({ value: a.agentId, label: a.displayName }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
