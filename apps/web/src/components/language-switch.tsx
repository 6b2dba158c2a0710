import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language, toLanguage } from '../i18n';

/** A select of the UI languages; each is named in its own language so anyone can find theirs. */
export function LanguageSwitch({ variant = 'borderless' }: { variant?: 'borderless' | 'outlined' }) {
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
      options={LANGUAGES.map((language) => ({ value: language, label: t(`lang.${language}`) }))}
    />
  );
}
