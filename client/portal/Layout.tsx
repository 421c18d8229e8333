import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { AppShell } from '../components/AppShell.tsx';

export function Layout() {
  const { t } = useTranslation();
  return (
    <AppShell>
      <Suspense fallback={<p aria-busy="true">{t('loading')}</p>}>
        <Outlet />
      </Suspense>
    </AppShell>
  );
}
