import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { storedManageToken } from '../lib/manage-token.ts';
import { useMe } from './session.ts';

export function Home() {
  const { t } = useTranslation();
  const { t: tp } = useTranslation('portal');
  const me = useMe();
  if (me.data) return <Navigate to={me.data.homePath} replace />;
  return (
    <section className="card">
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      {storedManageToken() && (
        <p>
          <a className="button" href="/manage">
            {t('home.manage')}
          </a>
        </p>
      )}
      <p className="muted">{t('home.noLink')}</p>
      <p>
        <Link to="/login">{tp('login.staff')}</Link>
      </p>
    </section>
  );
}
