import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function ChecksPage() {
  const { t } = useTranslation('checks');
  return (
    <section className="card">
      <h1>{t('title')}</h1>
    </section>
  );
}
