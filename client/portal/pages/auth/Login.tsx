import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { requestUnlock, signIn, useMe, useRefreshMe, type AuthError } from '../../session.ts';
import { AuthFailureAlert, EmailField } from './parts.tsx';

/** Only same-site paths may be used as the post-login destination. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : null);

/** What the unlock page hands over after it made this browser trusted. */
export type LoginState = { unlocked?: boolean; email?: string } | null;

export function Login() {
  const { t } = useTranslation('portal');
  const me = useMe();
  const refreshMe = useRefreshMe();
  const navigate = useNavigate();
  const location = useLocation();
  const arrived = location.state as LoginState;
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<AuthError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The email of the delayed attempt: the account an unlock link is asked for. */
  const [delayedEmail, setDelayedEmail] = useState<string | null>(null);
  const [unlock, setUnlock] = useState<{ sent: true } | { sent: false; error: AuthError } | null>(null);

  if (me.data) return <Navigate to={safeNext(params.get('next')) ?? me.data.homePath} replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    setBusy(true);
    const result = await signIn(email, String(form.get('password') ?? ''));
    setBusy(false);
    if (!result.ok) {
      setFailure(result);
      setDelayedEmail(result.failure === 'SIGN_IN_DELAYED' ? email : null);
      setUnlock(null);
      return;
    }
    setFailure(null);
    const fresh = await refreshMe().then(() => me.refetch());
    if (fresh.data) await navigate(safeNext(params.get('next')) ?? fresh.data.homePath, { replace: true });
  }

  async function askForUnlock() {
    if (!delayedEmail) return;
    setBusy(true);
    const result = await requestUnlock(delayedEmail);
    setBusy(false);
    setUnlock(result.ok ? { sent: true } : { sent: false, error: result });
  }

  return (
    <section className="card narrow">
      <h1>{t('login.title')}</h1>
      {arrived?.unlocked && !failure && (
        <p className="success" role="status">
          {t('login.unlocked')}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <EmailField defaultValue={arrived?.email} />
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <AuthFailureAlert error={failure} />
        {delayedEmail && (
          <div className="actions">
            {unlock?.sent ? (
              <p className="success" role="status">
                {t('login.unlockSent')}
              </p>
            ) : (
              <button type="button" className="secondary" onClick={() => void askForUnlock()} disabled={busy}>
                {t('login.unlock')}
              </button>
            )}
          </div>
        )}
        {unlock && !unlock.sent && <AuthFailureAlert error={unlock.error} />}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('login.submit')}
          </button>
          <Link to="/forgot-password">{t('login.forgot')}</Link>
        </div>
      </form>
    </section>
  );
}
