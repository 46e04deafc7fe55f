import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { saveLanguage, type Language } from '../i18n/index.js';

/** 中文 / English switch, persisted in localStorage. */
export function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <Select<Language>
      aria-label={t('header.language')}
      data-testid="language-switch"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      onChange={(v) => saveLanguage(v)}
      variant="borderless"
      suffixIcon={<GlobalOutlined />}
      style={{ width: 110 }}
      options={[
        { value: 'zh-CN', label: '简体中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}
