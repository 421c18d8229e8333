import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
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

  // On a phone the navigation folds behind a menu button (its 13 links would fill the first screen); it folds
  // again after each navigation. From tablet width up it is always shown, and the button is not.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);

  const hasCustomer = user ? user.role !== 'operator' || Boolean(user.activeCustomerId) : false;
  const items = user ? NAV.filter((item) => item.roles.includes(user.role) && (!item.needsCustomer || hasCustomer)) : [];

  return (
    <AppShell
      wide={Boolean(user)}
      onLanguageChoose={user ? (language) => rememberLanguage.mutate({ language }) : undefined}
    >
      {user && (
        <div className="portal-bar">
          <div className="portal-menu-bar">
            <button
              type="button"
              className="secondary menu-toggle"
              aria-expanded={menuOpen}
              aria-controls={menuId}
              onClick={() => setMenuOpen(!menuOpen)}
            >
              <span aria-hidden="true" className="menu-icon" />
              {t('nav.menu')}
            </button>
            {user.customerName && <span className="badge">{user.customerName}</span>}
          </div>
          <div id={menuId} className={menuOpen ? 'portal-menu open' : 'portal-menu'}>
            <nav aria-label={t('nav.label')} className="portal-nav">
              {items.map((item) => (
                <NavLink key={item.to} to={item.to} end>
                  {t(item.label as 'nav.customers')}
                </NavLink>
              ))}
            </nav>
            <div className="portal-user">
              {user.customerName && <span className="badge wide-only">{user.customerName}</span>}
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
        </div>
      )}
      <Suspense fallback={<p aria-busy="true">{t('common:loading')}</p>}>
        <Outlet />
      </Suspense>
    </AppShell>
  );
}
