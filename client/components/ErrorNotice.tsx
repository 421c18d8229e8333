import { useTranslation } from 'react-i18next';
import type { ClientErrorCode } from '../lib/trpc-errors.ts';

export function ErrorNotice({ code, onRetry, retryLabel }: { code: ClientErrorCode; onRetry?: () => void; retryLabel?: string }) {
  const { t } = useTranslation();
  return (
    <div className="alert" role="alert">
      <p>{t(`errors.${code}`)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {retryLabel ?? t('actions.retry')}
        </button>
      )}
    </div>
  );
}
