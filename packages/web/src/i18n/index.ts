import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { contentEn } from './content.en.js';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'kefu.lang';

/** The saved language, zh-CN unless the user switched to English. */
export function storedLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function saveLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode: the choice lasts for this tab only.
  }
  document.documentElement.lang = lang;
  void i18next.changeLanguage(lang);
}

/** Initialises i18next synchronously with both bundles (they are small). */
export function initI18n(): typeof i18next {
  const lng = storedLanguage();
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: { ...en, ...contentEn } } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return i18next;
}
