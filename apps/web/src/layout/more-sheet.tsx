import { Drawer, Menu } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The phone's "More" bottom sheet: the sections that do not fit the bottom bar. */
export function MoreSheet({
  open,
  current,
  items,
  onClose,
  onPick,
}: {
  open: boolean;
  current: string;
  items: Array<{ key: string; icon: ReactNode; label: string }>;
  onClose: () => void;
  onPick: (key: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Drawer
      placement="bottom"
      open={open}
      onClose={onClose}
      title={t('nav.more')}
      size="auto"
      styles={{ body: { padding: 8 } }}
    >
      <Menu
        mode="inline"
        selectedKeys={[current]}
        style={{ borderInlineEnd: 'none' }}
        onClick={({ key }) => onPick(key)}
        items={items}
      />
    </Drawer>
  );
}
