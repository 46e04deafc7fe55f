import type { GroupDto, PresenceDto } from '@kefu/contracts';
import { Badge, Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { conversationsApi } from './api.js';

const STATUS_COLOR: Record<string, string> = { online: '#52c41a', busy: '#faad14', away: '#8c8c8c', offline: '#d9d9d9' };

/** Transfer to a colleague or a group, with a note the colleague sees first. */
export function TransferDialog({ open, shopId, conversationId, selfId, onClose, onDone }: {
  open: boolean;
  shopId: string;
  conversationId: string | null;
  selfId: string;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ target: string; note?: string }>();
  const [agents, setAgents] = useState<PresenceDto[]>([]);
  const [groups, setGroups] = useState<GroupDto[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    conversationsApi.presence(shopId).then(setAgents).catch(() => setAgents([]));
    conversationsApi.groups(shopId).then(setGroups).catch(() => setGroups([]));
  }, [open, shopId]);

  async function submit() {
    if (!conversationId) return;
    const v = await form.validateFields();
    const [kind, id] = v.target.split(':') as [string, string];
    setBusy(true);
    try {
      await conversationsApi.transfer(shopId, conversationId, { ...(kind === 'a' ? { toAgentId: id } : { toGroupId: id }), ...(v.note?.trim() ? { note: v.note.trim() } : {}) });
      form.resetFields();
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t('workbench.transferTitle')} open={open} onCancel={onClose} onOk={() => void submit().catch(() => undefined)} okText={t('workbench.transferOk')} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
        <Form.Item name="target" label={t('workbench.transferTo')} rules={[{ required: true, message: t('workbench.transferTo') }]} validateStatus={error ? 'error' : undefined} help={error ?? undefined}>
          <Select
            data-testid="transfer-target"
            showSearch
            optionFilterProp="search"
            options={[
              ...groups.map((g) => ({ value: `g:${g.id}`, search: g.name, label: `${g.name}` })),
              ...agents
                .filter((a) => a.agentId !== selfId)
                .map((a) => ({
                  value: `a:${a.agentId}`,
                  search: a.displayName,
                  label: <Badge color={STATUS_COLOR[a.status] ?? '#d9d9d9'} text={`${a.displayName} · ${t(`agentStatus.${a.status}`)} · ${a.load}/${a.maxConcurrent}`} />,
                })),
            ]}
          />
        </Form.Item>
        <Form.Item name="note" label={t('workbench.transferNote')}>
          <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 3, maxRows: 6 }} placeholder={t('workbench.transferNotePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
