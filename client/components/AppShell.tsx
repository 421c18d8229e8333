import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';

export function AppShell({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" /> {t('appName')}
        </span>
        <LanguageSwitcher />
      </header>
      <main className={wide ? 'page page-wide' : 'page'}>{children}</main>
    </div>
  );
}
