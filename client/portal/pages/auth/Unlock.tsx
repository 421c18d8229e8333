import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { confirmUnlock, type AuthError } from '../../session.ts';
import type { LoginState } from './Login.tsx';
import { AuthFailureAlert } from './parts.tsx';

/** The token of an unlock email's link: in the fragment (`#token=…`), which browsers never send to a server. */
const tokenFromFragment = () => new URLSearchParams(window.location.hash.slice(1)).get('token');

/**
 * Opened from the unlock email: one click makes this browser trusted for the account (a device cookie), then back to
 * sign-in, where the password is still required. A click, not a page load: mail scanners that open links must not
 * use up the single-use token.
 */
export function Unlock() {
  const { t } = useTranslation('portal');
  const navigate = useNavigate();
  const [token] = useState(tokenFromFragment);
  const [failure, setFailure] = useState<AuthError | null>(token ? null : { failure: 'INVALID_TOKEN' });
  const [busy, setBusy] = useState(false);

  // The secret leaves the address bar and the history entry at once.
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);

  async function confirm() {
    if (!token) return;
    setBusy(true);
    const result = await confirmUnlock(token);
    setBusy(false);
    if (!result.ok) return setFailure(result);
    const state: LoginState = { unlocked: true, email: result.data.email };
    await navigate('/login', { replace: true, state });
  }

  return (
    <section className="card narrow">
      <h1>{t('unlock.title')}</h1>
      {failure?.failure === 'INVALID_TOKEN' ? (
        <AuthFailureAlert error={failure} />
      ) : (
        <>
          <p className="muted">{t('unlock.intro')}</p>
          <AuthFailureAlert error={failure} />
          <div className="actions">
            <button type="button" onClick={() => void confirm()} disabled={busy}>
              {t('unlock.confirm')}
            </button>
          </div>
        </>
      )}
      <p>
        <Link to="/login">{t('unlock.back')}</Link>
      </p>
    </section>
  );
}
