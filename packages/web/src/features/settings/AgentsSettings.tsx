import { PlusOutlined } from '@ant-design/icons';
import type { AgentDto, Role } from '@kefu/contracts';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography, type ButtonProps } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { agentsApi } from '../../api/endpoints.js';
import { useMe } from '../../auth/AuthContext.js';

const ROLE_IDS: readonly Role[] = ['owner', 'supervisor', 'agent'];
const ROLE_COLOR: Record<Role, string> = { owner: 'gold', supervisor: 'blue', agent: 'default' };

interface InviteValues {
  email: string;
  displayName: string;
  role: Role;
  shopIds: string[];
}

/** Settings › 客服管理 (owners): list, invite with a one-time password, edit role and shops, disable. */
export function AgentsSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [agents, setAgents] = useState<AgentDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inviteOpen, setInviteOpen] = useState(false);
  const [editing, setEditing] = useState<AgentDto | null>(null);
  const [created, setCreated] = useState<{ agent: AgentDto; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [inviteForm] = Form.useForm<InviteValues>();
  const [editForm] = Form.useForm<Omit<InviteValues, 'email'>>();
  const isOwner = me.agent.role === 'owner';
  const shopName = new Map(me.shops.map((s) => [s.id, s.name]));

  const load = useCallback(() => {
    agentsApi.list().then(setAgents).catch((err: unknown) => setError(errorMessage(err)));
  }, []);
  useEffect(() => {
    if (isOwner) load();
  }, [isOwner, load]);

  if (!isOwner) return <Card variant="borderless"><Alert type="info" showIcon title={t('settings.ownersOnly')} /></Card>;

  const shopOptions = me.shops.map((s) => ({ value: s.id, label: s.name }));
  const roleOptions = ROLE_IDS.map((r) => ({ value: r, label: t(`roles.${r}`) }));

  async function invite() {
    const v = await inviteForm.validateFields();
    setBusy(true);
    try {
      const out = await agentsApi.invite(v);
      setInviteOpen(false);
      inviteForm.resetFields();
      if (out.initialPassword) setCreated({ agent: out.agent, password: out.initialPassword });
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function saveEdit() {
    if (!editing) return;
    const v = await editForm.validateFields();
    setBusy(true);
    try {
      await agentsApi.update(editing.id, v);
      setEditing(null);
      void message.success(t('common.saved'));
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function toggle(a: AgentDto) {
    try {
      await agentsApi.update(a.id, { disabled: !a.disabled });
      load();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  return (
    <Card
      title={t('settings.agentsTitle')}
      variant="borderless"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setInviteOpen(true)} data-testid="invite-agent">
          {t('settings.invite')}
        </Button>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<AgentDto>
        rowKey="id"
        loading={agents === null && !error}
        dataSource={agents ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        columns={[
          {
            title: t('settings.agentName'),
            dataIndex: 'displayName',
            width: 130,
            render: (name: string, a) => (
              <Space style={{ whiteSpace: 'nowrap' }}>
                <span>{name}</span>
                {a.id === me.agent.id && <Tag>{t('settings.you')}</Tag>}
              </Space>
            ),
          },
          { title: t('settings.agentEmail'), dataIndex: 'email' },
          { title: t('settings.agentRole'), dataIndex: 'role', width: 100, render: (r: Role) => <Tag color={ROLE_COLOR[r]}>{t(`roles.${r}`)}</Tag> },
          {
            title: t('settings.agentShops'),
            dataIndex: 'shopIds',
            render: (ids: string[]) => (ids.length ? ids.map((id) => <Tag key={id}>{shopName.get(id) ?? id}</Tag>) : <Typography.Text type="secondary">{t('common.none')}</Typography.Text>),
          },
          {
            title: t('settings.agentStatus'),
            dataIndex: 'disabled',
            width: 100,
            render: (d: boolean) => (d ? <Tag color="red">{t('settings.disabledState')}</Tag> : <Tag color="green">{t('settings.enabled')}</Tag>),
          },
          { title: t('settings.createdAt'), dataIndex: 'createdAt', width: 120, render: (c: string) => dayjs(c).format('YYYY-MM-DD') },
          {
            title: t('settings.actions'),
            key: 'actions',
            width: 140,
            render: (_, a) => (
              <Space size={4}>
                <Button
                  type="link"
                  size="small"
                  onClick={() => {
                    setEditing(a);
                    editForm.setFieldsValue({ displayName: a.displayName, role: a.role, shopIds: a.shopIds });
                  }}
                >
                  {t('common.edit')}
                </Button>
                {a.id !== me.agent.id && (
                  <Popconfirm
                    title={t(a.disabled ? 'settings.enableConfirm' : 'settings.disableConfirm', { name: a.displayName })}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => toggle(a)}
                  >
                    <Button type="link" size="small" danger={!a.disabled}>
                      {a.disabled ? t('settings.enable') : t('settings.disable')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />

      <Modal
        title={t('settings.inviteTitle')}
        open={inviteOpen}
        onOk={() => void invite().catch(() => undefined)}
        onCancel={() => setInviteOpen(false)}
        okText={t('settings.inviteOk')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={inviteForm} layout="vertical" requiredMark={false} initialValues={{ role: 'agent', shopIds: me.shops.map((s) => s.id) }} preserve={false}>
          <Form.Item name="email" label={t('settings.agentEmail')} rules={[{ required: true, message: t('login.emailRequired') }, { type: 'email', message: t('login.emailInvalid') }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('settings.agentName')} rules={[{ required: true, whitespace: true, message: t('settings.agentName') }, { max: 40 }]}>
            <Input placeholder={t('settings.namePlaceholder')} maxLength={40} />
          </Form.Item>
          <Form.Item name="role" label={t('settings.agentRole')}>
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="shopIds" label={t('settings.agentShops')} rules={[{ required: true, type: 'array', min: 1, message: t('settings.shopsRequired') }]}>
            <Select mode="multiple" options={shopOptions} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        title={t('settings.editAgent')}
        open={editing !== null}
        onOk={() => void saveEdit().catch(() => undefined)}
        onCancel={() => setEditing(null)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
      >
        <Form form={editForm} layout="vertical" requiredMark={false}>
          <Form.Item name="displayName" label={t('settings.agentName')} rules={[{ required: true, whitespace: true }, { max: 40 }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="role" label={t('settings.agentRole')}>
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="shopIds" label={t('settings.agentShops')}>
            <Select mode="multiple" options={shopOptions} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        title={t('settings.invited')}
        open={created !== null}
        onOk={() => setCreated(null)}
        onCancel={() => setCreated(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okButtonProps={{ 'data-testid': 'initial-password-done' } as unknown as ButtonProps}
        okText={t('common.close')}
        maskClosable={false}
      >
        {created && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>
              {created.agent.displayName}（{created.agent.email}）
            </Typography.Text>
            <Alert type="warning" showIcon title={t('settings.initialPassword')} />
            <Typography.Paragraph
              data-testid="initial-password"
              copyable={{ text: created.password, tooltips: [t('common.copy'), t('common.copied')] }}
              style={{ fontSize: 20, fontFamily: 'ui-monospace, Menlo, Consolas, monospace', margin: '8px 0 0' }}
            >
              {created.password}
            </Typography.Paragraph>
          </Space>
        )}
      </Modal>
    </Card>
  );
}
