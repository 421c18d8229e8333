import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function ChecksPage() {
  const { t } = useTranslation('admin');
  return (
    <section className="card">
      <h1>{t('checks.title')}</h1>
    </section>
  );
}
