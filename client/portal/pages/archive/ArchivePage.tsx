import { useTranslation } from 'react-i18next';

/** Placeholder: replaced by the screen's implementation. */
export function ArchivePage() {
  const { t } = useTranslation('archive');
  return (
    <section className="card">
      <h1>{t('title')}</h1>
    </section>
  );
}
