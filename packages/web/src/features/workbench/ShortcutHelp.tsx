import { Modal, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Shortcut list shown by `?`; the same table drives the key handler in WorkbenchPage. */
export const SHORTCUTS = [
  { keys: 'Alt+N', action: 'next' },
  { keys: 'Alt+↑', action: 'prev' },
  { keys: 'Alt+↓', action: 'nextConv' },
  { keys: 'Alt+/', action: 'picker' },
  { keys: 'Alt+I', action: 'note' },
  { keys: 'Alt+T', action: 'transfer' },
  { keys: 'Alt+C', action: 'close' },
  { keys: 'Esc', action: 'focus' },
  { keys: 'Enter', action: 'send' },
  { keys: 'Shift+Enter', action: 'newline' },
  { keys: '?', action: 'help' },
] as const;

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('workbench.shortcuts.title')} open={open} onCancel={onClose} footer={null} width={440}>
      <Table
        size="small"
        pagination={false}
        showHeader={false}
        rowKey="keys"
        dataSource={SHORTCUTS.map((s) => ({ ...s }))}
        columns={[
          { dataIndex: 'keys', width: 140, render: (k: string) => <Typography.Text keyboard>{k}</Typography.Text> },
          { dataIndex: 'action', render: (a: string) => t(`workbench.shortcuts.${a}`) },
        ]}
      />
    </Modal>
  );
}
