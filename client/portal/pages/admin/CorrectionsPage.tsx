import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function CorrectionsPage() {
  const { t } = useTranslation('admin');
  return (
    <section className="card">
      <h1>{t('corrections.title')}</h1>
    </section>
  );
}
