import { useTranslation } from 'react-i18next';
import { storedManageToken } from '../lib/manage-token.ts';

export function Home() {
  const { t } = useTranslation();
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
    </section>
  );
}
