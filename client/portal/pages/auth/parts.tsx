import { useTranslation } from 'react-i18next';
import type { AuthFailure } from '../../session.ts';

export function EmailField() {
  const { t } = useTranslation('portal');
  return (
    <label className="field">
      <span>{t('login.email')}</span>
      <input name="email" type="email" autoComplete="username" required />
    </label>
  );
}

export function AuthFailureAlert({ failure }: { failure: AuthFailure | null }) {
  const { t } = useTranslation('portal');
  if (!failure) return null;
  return (
    <p className="alert" role="alert">
      {t(`authErrors.${failure}`)}
    </p>
  );
}
