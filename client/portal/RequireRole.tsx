import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import type { TUserRole } from '../../shared/schemas/portal.ts';
import { useMe } from './session.ts';

/**
 * Screens for some roles only. The server enforces the same rules on every procedure; this only routes people to
 * the right place: signed-out users to the login page, other roles to their own home.
 */
export function RequireRole({ roles, needsCustomer = false }: { roles: TUserRole[]; needsCustomer?: boolean }) {
  const { t } = useTranslation(['portal', 'common']);
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <p aria-busy="true">{t('common:loading')}</p>;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(me.data.role)) return <Navigate to={me.data.homePath} replace />;
  if (needsCustomer && me.data.role === 'operator' && !me.data.activeCustomerId) return <Navigate to="/portal" replace />;
  return <Outlet />;
}
