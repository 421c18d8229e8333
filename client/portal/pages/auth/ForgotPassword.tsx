import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { requestPasswordReset, type AuthError } from '../../session.ts';
import { AuthFailureAlert, EmailField } from './parts.tsx';

export function ForgotPassword() {
  const { t } = useTranslation('portal');
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<AuthError | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await requestPasswordReset(String(new FormData(event.currentTarget).get('email') ?? ''));
    // The answer is the same whether or not the address has an account.
    if (result.ok) setSent(true);
    else setFailure(result);
  }

  return (
    <section className="card narrow">
      <h1>{t('forgot.title')}</h1>
      {sent ? (
        <p className="success" role="status">
          {t('forgot.sent')}
        </p>
      ) : (
        <form onSubmit={submit}>
          <p className="muted">{t('forgot.intro')}</p>
          <EmailField />
          <AuthFailureAlert error={failure} />
          <div className="actions">
            <button type="submit">{t('forgot.submit')}</button>
          </div>
        </form>
      )}
      <p>
        <Link to="/login">{t('forgot.back')}</Link>
      </p>
    </section>
  );
}
