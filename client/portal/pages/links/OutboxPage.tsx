import { useTranslation } from 'react-i18next';

/** Placeholder until this screen is built. */
export function OutboxPage() {
  const { t } = useTranslation('links');
  return (
    <section className="card">
      <h1>{t('outbox.title')}</h1>
    </section>
  );
}
