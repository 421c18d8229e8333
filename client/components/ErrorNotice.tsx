import { useTranslation } from 'react-i18next';
import type { ClientErrorCode } from '../lib/trpc-errors.ts';

/**
 * The localized message of an error code. Codes only the portal can meet live in the `portal` namespace, which the
 * employee app never loads, so its bundle does not carry them; the generic message covers anything unexpected.
 * The portal's text wins where both have one: UNAVAILABLE is "not saved, try again" for an employee and "service
 * unavailable" in the portal.
 */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (code: ClientErrorCode) =>
    t([`portal:errors.${code}`, `errors.${code}`, 'errors.INTERNAL'] as unknown as 'errors.INTERNAL');
}

export function ErrorNotice({ code, onRetry, retryLabel }: { code: ClientErrorCode; onRetry?: () => void; retryLabel?: string }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  return (
    <div className="alert" role="alert">
      <p>{message(code)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {retryLabel ?? t('actions.retry')}
        </button>
      )}
    </div>
  );
}
