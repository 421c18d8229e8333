import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { AppShell } from '../components/AppShell.tsx';
import { Enroll } from './Enroll.tsx';
import { matchEmployeeRoute, usePathname } from './router.tsx';

const Manage = lazy(async () => ({ default: (await import('./Manage.tsx')).Manage }));

export function EmployeeApp() {
  const { t } = useTranslation();
  const route = matchEmployeeRoute(usePathname());
  return (
    <AppShell>
      <Suspense fallback={<p aria-busy="true">{t('loading')}</p>}>
        {route.name === 'enroll' && <Enroll key={route.token} token={route.token} />}
        {route.name === 'manage' && <Manage />}
        {route.name === 'other' && <FullReload />}
      </Suspense>
    </AppShell>
  );
}

/** Leaving the employee screens hands over to the portal app with a normal page load. */
function FullReload() {
  window.location.reload();
  return null;
}
