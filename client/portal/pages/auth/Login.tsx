import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { signIn, useMe, useRefreshMe, type AuthFailure } from '../../session.ts';
import { AuthFailureAlert, EmailField } from './parts.tsx';

/** Only same-site paths may be used as the post-login destination. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : null);

export function Login() {
  const { t } = useTranslation('portal');
  const me = useMe();
  const refreshMe = useRefreshMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<AuthFailure | null>(null);
  const [busy, setBusy] = useState(false);

  if (me.data) return <Navigate to={safeNext(params.get('next')) ?? me.data.homePath} replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await signIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
    setBusy(false);
    if (!result.ok) return setFailure(result.failure);
    setFailure(null);
    const fresh = await refreshMe().then(() => me.refetch());
    if (fresh.data) await navigate(safeNext(params.get('next')) ?? fresh.data.homePath, { replace: true });
  }

  return (
    <section className="card narrow">
      <h1>{t('login.title')}</h1>
      <form onSubmit={submit} noValidate>
        <EmailField />
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <AuthFailureAlert failure={failure} />
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
