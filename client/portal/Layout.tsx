import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { isUiLanguage } from '../../shared/languages.ts';
import { AppShell } from '../components/AppShell.tsx';
import { changeLanguage, currentLanguage, hasStoredLanguage } from '../i18n/index.ts';
import { NAV } from './nav.ts';
import { signOut, useMe, useRefreshMe } from './session.ts';
import './portal.css';

export function Layout() {
  const { t } = useTranslation(['portal', 'common']);
  const me = useMe();
  const refreshMe = useRefreshMe();
  const navigate = useNavigate();
  const user = me.data;

  // A user's own choice wins; otherwise, for the customer's own people, the customer's output language when the UI
  // speaks it. Operators keep their own language whichever customer they open.
  useEffect(() => {
    const customerDefault = user?.role === 'operator' || hasStoredLanguage() ? null : user?.outputLanguage;
    const preferred = user?.language ?? customerDefault;
    if (preferred && isUiLanguage(preferred) && preferred !== currentLanguage()) void changeLanguage(preferred, { remember: false });
  }, [user?.role, user?.language, user?.outputLanguage]);

  const hasCustomer = user ? user.role !== 'operator' || Boolean(user.activeCustomerId) : false;
  const items = user ? NAV.filter((item) => item.roles.includes(user.role) && (!item.needsCustomer || hasCustomer)) : [];

  return (
    <AppShell wide={Boolean(user)}>
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
