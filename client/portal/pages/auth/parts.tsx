import { useTranslation } from 'react-i18next';
import type { AuthError } from '../../session.ts';

export function EmailField({ defaultValue }: { defaultValue?: string }) {
  const { t } = useTranslation('portal');
  return (
    <label className="field">
      <span>{t('login.email')}</span>
      <input name="email" type="email" autoComplete="username" required defaultValue={defaultValue} />
    </label>
  );
}

/** The message for a failed auth call; a delay says how long, in whole minutes (rounded up). */
export function useAuthErrorMessage() {
  const { t } = useTranslation('portal');
  return (error: AuthError) => {
    const minutes = error.retryAfterSeconds ? Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) : undefined;
    if (minutes && error.failure === 'SIGN_IN_DELAYED') {
      return error.scope === 'account' ? t('delay.account', { count: minutes }) : t('delay.browser', { count: minutes });
    }
    if (minutes && error.failure === 'UNLOCK_DELAYED') return t('delay.unlock', { count: minutes });
    return t(`authErrors.${error.failure}`);
  };
}

export function AuthFailureAlert({ error }: { error: AuthError | null }) {
  const message = useAuthErrorMessage();
  if (!error) return null;
  return (
    <p className="alert" role="alert">
      {message(error)}
    </p>
  );
}
