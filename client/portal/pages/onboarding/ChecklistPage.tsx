import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function ChecklistPage() {
  const { t } = useTranslation('onboarding');
  return (
    <section className="card">
      <h1>{t('checklist.title')}</h1>
    </section>
  );
}
