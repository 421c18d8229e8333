import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function PeoplePage() {
  const { t } = useTranslation('admin');
  return (
    <section className="card">
      <h1>{t('people.title')}</h1>
    </section>
  );
}
