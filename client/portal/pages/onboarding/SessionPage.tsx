import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function SessionPage() {
  const { t } = useTranslation('onboarding');
  return (
    <section className="card">
      <h1>{t('session.title')}</h1>
    </section>
  );
}
