import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { resetPassword, type AuthError } from '../../session.ts';
import { AuthFailureAlert } from './parts.tsx';

/** Sets a password from an emailed link: a reset, or the invitation of a new login. */
export function ResetPassword() {
  const { t } = useTranslation('portal');
  const [params] = useSearchParams();
  const token = params.get('token');
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<AuthError | null>(params.get('error') ? { failure: 'INVALID_TOKEN' } : null);
  const [mismatch, setMismatch] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    if (password !== String(form.get('confirm') ?? '')) return setMismatch(true);
    setMismatch(false);
    const result = await resetPassword(token ?? '', password);
    if (result.ok) setDone(true);
    else setFailure(result);
  }

  return (
    <section className="card narrow">
      <h1>{t('reset.title')}</h1>
      {done ? (
        <p className="success" role="status">
          {t('reset.done')} <Link to="/login">{t('reset.signIn')}</Link>
        </p>
      ) : !token || failure?.failure === 'INVALID_TOKEN' ? (
        <p className="alert" role="alert">
          {t('authErrors.INVALID_TOKEN')} <Link to="/forgot-password">{t('reset.again')}</Link>
        </p>
      ) : (
        <form onSubmit={submit}>
          <p className="muted">{t('reset.intro')}</p>
          <label className="field">
            <span>{t('reset.password')}</span>
            <input name="password" type="password" autoComplete="new-password" minLength={12} required />
          </label>
          <label className="field">
            <span>{t('reset.confirm')}</span>
            <input name="confirm" type="password" autoComplete="new-password" minLength={12} required />
          </label>
          {mismatch && (
            <p className="alert" role="alert">
              {t('reset.mismatch')}
            </p>
          )}
          <AuthFailureAlert error={failure} />
          <div className="actions">
            <button type="submit">{t('reset.submit')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
