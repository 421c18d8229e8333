import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { AppShell } from '../components/AppShell.tsx';
import { changeLanguage, currentLanguage, storedLanguage } from '../i18n/index.ts';
import { portalLanguage } from './language.ts';
import { NAV } from './nav.ts';
import { signOut, useMe, useRefreshMe } from './session.ts';
import { useTRPC } from './trpc.ts';
import './portal.css';

export function Layout() {
  const { t } = useTranslation(['portal', 'common']);
  const me = useMe();
  const refreshMe = useRefreshMe();
  const navigate = useNavigate();
  const user = me.data;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // A language picked while signed in is the user's own choice: the account remembers it, on every device.
  const rememberLanguage = useMutation(
    trpc.session.setLanguage.mutationOptions({
      onSuccess: (fresh) => queryClient.setQueryData(trpc.session.me.queryKey(), fresh),
    }),
  );

  useEffect(() => {
    if (!user) return;
    const lng = portalLanguage(user, storedLanguage());
    if (lng && lng !== currentLanguage()) void changeLanguage(lng, { remember: false });
  }, [user]);

  const hasCustomer = user ? user.role !== 'operator' || Boolean(user.activeCustomerId) : false;
  const items = user ? NAV.filter((item) => item.roles.includes(user.role) && (!item.needsCustomer || hasCustomer)) : [];

  return (
    <AppShell
      wide={Boolean(user)}
      onLanguageChoose={user ? (language) => rememberLanguage.mutate({ language }) : undefined}
    >
      {user && (
        <div className="portal-bar">
          <nav aria-label={t('nav.label')} className="portal-nav">
            {items.map((item) => (
              <NavLink key={item.to} to={item.to} end>
                {t(item.label as 'nav.customers')}
              </NavLink>
            ))}
          </nav>
          <div className="portal-user">
            {user.customerName && <span className="badge">{user.customerName}</span>}
            <span className="muted">
              {user.name} · {t(`roles.${user.role}`)}
            </span>
            <button
              type="button"
              className="link"
              onClick={async () => {
                await signOut();
                await refreshMe();
                await navigate('/login');
              }}
            >
              {t('signOut')}
            </button>
          </div>
        </div>
      )}
      <Suspense fallback={<p aria-busy="true">{t('common:loading')}</p>}>
        <Outlet />
      </Suspense>
    </AppShell>
  );
}
