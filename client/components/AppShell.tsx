import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiLanguage } from '../../shared/languages.ts';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';

export function AppShell({
  children,
  wide = false,
  onLanguageChoose,
}: {
  children: ReactNode;
  wide?: boolean;
  onLanguageChoose?: (lng: UiLanguage) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" /> {t('appName')}
        </span>
        <LanguageSwitcher onChoose={onLanguageChoose} />
      </header>
      <main className={wide ? 'page page-wide' : 'page'}>{children}</main>
    </div>
  );
}
