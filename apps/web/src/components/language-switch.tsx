import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language, toLanguage } from '../i18n';

const SHORT: Record<Language, string> = { en: 'EN', 'zh-CN': '中' };

/**
 * A select of the UI languages; each is named in its own language so anyone can find theirs. `compact`
 * (phone headers) shows a short code in the field and the full names in the list.
 */
export function LanguageSwitch({
  variant = 'borderless',
  compact = false,
}: {
  variant?: 'borderless' | 'outlined';
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Select<Language>
      aria-label={t('lang.label')}
      data-testid="language-switch"
      value={toLanguage(i18n.resolvedLanguage)}
      onChange={(language) => void changeLanguage(language)}
      variant={variant}
      prefix={<GlobalOutlined aria-hidden="true" />}
      popupMatchSelectWidth={false}
      {...(compact ? { labelRender: ({ value }) => SHORT[value as Language] ?? String(value) } : {})}
      options={LANGUAGES.map((language) => ({ value: language, label: t(`lang.${language}`) }))}
    />
  );
}
