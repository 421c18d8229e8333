import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { allows, type Capability } from '../../shared/access.ts';
import { useMe } from './session.ts';

/**
 * Screens for the roles that have `capability` in the role matrix (shared/access.ts). The server enforces the same
 * matrix on every procedure; this only routes people to the right place: signed-out users to the login page, other roles to their own home.
 */
export function RequireRole({ capability, needsCustomer = false }: { capability: Capability; needsCustomer?: boolean }) {
  const { t } = useTranslation(['portal', 'common']);
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <p aria-busy="true">{t('common:loading')}</p>;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!allows(capability, me.data.role)) return <Navigate to={me.data.homePath} replace />;
  if (needsCustomer && me.data.role === 'operator' && !me.data.activeCustomerId) return <Navigate to="/portal" replace />;
  return <Outlet />;
}
