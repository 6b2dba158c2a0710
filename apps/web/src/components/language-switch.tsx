import { DownOutlined, GlobalOutlined } from '@ant-design/icons';
import { Button, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language, toLanguage } from '../i18n';
import { Dropdown } from './antd-lean';

const SHORT: Record<Language, string> = { en: 'EN', 'zh-CN': '中' };

/**
 * A menu of the UI languages; each is named in its own language so anyone can find theirs. `compact`
 * (phone headers) shows a short code on the button and the full names in the menu. A button and a
 * dropdown menu rather than a select: it sits in the header of every page, and the menu code is already
 * there for the account menu, where a select would add its own (docs/decisions/0008-light-header-controls.md).
 */
export function LanguageSwitch({
  variant = 'borderless',
  compact = false,
}: {
  variant?: 'borderless' | 'outlined';
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const current = toLanguage(i18n.resolvedLanguage);
  return (
    <Dropdown
      trigger={['click']}
      // Moves focus into the menu on open so arrow keys and Enter work without a mouse.
      autoFocus
      menu={{
        items: LANGUAGES.map((language) => ({ key: language, label: t(`lang.${language}`) })),
        selectable: true,
        selectedKeys: [current],
        onClick: ({ key }) => void changeLanguage(key as Language),
      }}
    >
      <Button
        type={variant === 'borderless' ? 'text' : 'default'}
        aria-label={t('lang.label')}
        data-testid="language-switch"
        icon={<GlobalOutlined aria-hidden="true" />}
        style={compact ? { paddingInline: 6 } : undefined}
      >
        {compact ? SHORT[current] : t(`lang.${current}`)}
        <DownOutlined aria-hidden="true" style={{ fontSize: 10, color: token.colorTextQuaternary }} />
      </Button>
    </Dropdown>
  );
}
