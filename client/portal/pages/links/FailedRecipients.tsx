import { useTranslation } from 'react-i18next';
import type { TDistributeResult } from '../../../../shared/schemas/links.ts';

/** Per-recipient delivery failures: these links stay unsent, so the next distribution tries them again. */
export function FailedRecipients({ failed }: { failed: TDistributeResult['failed'] }) {
  const { t } = useTranslation('links');
  return (
    <div className="alert" role="alert">
      <p>{t('distribute.failedTitle')}</p>
      <ul>
        {failed.map((f) => (
          <li key={f.employeeId}>
            {f.name} &lt;{f.email}&gt; — <span className="muted">{f.error}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
