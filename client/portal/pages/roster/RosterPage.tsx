import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function RosterPage() {
  const { t } = useTranslation('roster');
  return (
    <section className="card">
      <h1>{t('title')}</h1>
    </section>
  );
}
