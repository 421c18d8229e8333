import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../session.ts';

/** The CEO's home. Signal itself (questions answered from consented communications) is not built yet. */
export function SignalHome() {
  const { t } = useTranslation('portal');
  const me = useMe();
  return (
    <section className="card">
      <h1>{t('signal.title', { name: me.data?.name ?? '' })}</h1>
      <p>{t('signal.notYet')}</p>
      <p>
        <Link className="button" to="/admin">
          {t('signal.enrollment')}
        </Link>
      </p>
    </section>
  );
}
