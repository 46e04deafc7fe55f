import { Card, Empty } from 'antd';
import { useTranslation } from 'react-i18next';

export type Area = 'buyers' | 'orders' | 'quickReplies' | 'knowledge' | 'dashboard' | 'reviews' | 'urging' | 'autoReply' | 'routing';

const TITLE_KEY: Record<Area, string> = {
  buyers: 'menu.buyers', orders: 'menu.orders', quickReplies: 'menu.quickReplies', knowledge: 'menu.knowledge', dashboard: 'menu.dashboard',
  reviews: 'menu.reviews', urging: 'menu.urging', autoReply: 'menu.settingsAutoReply', routing: 'menu.settingsRouting',
};

/** A clean empty state for an area a later release fills: one line of what will be there. */
export function ComingSoon({ area }: { area: Area }) {
  const { t } = useTranslation();
  return (
    <Card title={t(TITLE_KEY[area])} variant="borderless">
      <Empty data-testid={`empty-${area}`} description={t(`empty.${area}`)} style={{ padding: '48px 0' }} />
    </Card>
  );
}
