import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { UI_LANGUAGES, uiLanguageName, type UiLanguage } from '../../../../shared/languages.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FieldError } from '../../../components/FieldError.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { errorCodeOf, fieldErrorsOf } from '../../../lib/trpc-errors.ts';
import { useRefreshMe } from '../../session.ts';
import { useTRPC } from '../../trpc.ts';
import { CustomerFields, readCustomerFields } from '../customers/CustomerFields.tsx';

/** Portal setup for the selected customer: account details, and the admin and CEO logins (step 7). */
export function SetupPage() {
  const { t } = useTranslation(['portal', 'common']);
  const trpc = useTRPC();
  const refreshMe = useRefreshMe();
  const customer = useQuery(trpc.customers.current.queryOptions());
  const users = useQuery(trpc.customers.users.queryOptions());
  const update = useMutation(trpc.customers.update.mutationOptions());
  const invite = useMutation(trpc.customers.inviteUser.mutationOptions());
  const [invited, setInvited] = useState<string | null>(null);
  const updateErrors = fieldErrorsOf(update.error);
  const inviteErrors = fieldErrorsOf(invite.error);

  if (customer.error) return <ErrorNotice code={errorCodeOf(customer.error)} onRetry={() => void customer.refetch()} />;
  if (!customer.data) return <p aria-busy="true">{t('common:loading')}</p>;
  const c = customer.data;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const saved = await update.mutateAsync(readCustomerFields(new FormData(event.currentTarget))).catch(() => null);
    if (saved) {
      await customer.refetch();
      await refreshMe();
    }
  }

  async function sendInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const language = String(form.get('language') ?? '');
    const user = await invite
      .mutateAsync({
        email: String(form.get('email') ?? ''),
        name: String(form.get('name') ?? ''),
        role: form.get('role') === 'admin' ? 'admin' : 'ceo',
        language: (UI_LANGUAGES as readonly string[]).includes(language) ? (language as UiLanguage) : null,
      })
      .catch(() => null);
    if (user) {
      setInvited(user.email);
      formElement.reset();
      await users.refetch();
    }
  }

  return (
    <>
      <section className="card">
        <h1>{t('setup.title', { name: c.name })}</h1>
        <form onSubmit={save} noValidate key={`${c.id}-${c.name}-${c.outputLanguage}`}>
          <CustomerFields defaults={c} errors={updateErrors} />
          {update.error && <ErrorNotice code={errorCodeOf(update.error)} />}
          {update.isSuccess && (
            <p className="success" role="status">
              {t('setup.saved')}
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={update.isPending}>
              {t('setup.save')}
            </button>
          </div>
        </form>
      </section>

      <section className="card">
        <h2>{t('setup.usersTitle')}</h2>
        {users.data && users.data.length === 0 && <p className="muted">{t('setup.noUsers')}</p>}
        {users.data && users.data.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('setup.userName')}</th>
                <th scope="col">{t('setup.userEmail')}</th>
                <th scope="col">{t('setup.userRole')}</th>
                <th scope="col">{t('setup.invitedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.userId}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{t(`roles.${u.role}`)}</td>
                  <td>{formatDateTime(u.invitedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3 id="invite-title">{t('setup.inviteTitle')}</h3>
        <form onSubmit={sendInvite} noValidate aria-labelledby="invite-title">
          <label className="field">
            <span>{t('setup.userRole')}</span>
            <select name="role" defaultValue="ceo">
              <option value="ceo">{t('roles.ceo')}</option>
              <option value="admin">{t('roles.admin')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('setup.userName')}</span>
            <input name="name" type="text" defaultValue={users.data?.some((u) => u.role === 'ceo') ? '' : c.ceoName} />
            <FieldError id="err-iname" code={inviteErrors.name} />
          </label>
          <label className="field">
            <span>{t('setup.userEmail')}</span>
            <input name="email" type="email" />
            <FieldError id="err-iemail" code={inviteErrors.email} />
          </label>
          <label className="field">
            <span>{t('setup.userLanguage')}</span>
            <select name="language" defaultValue="">
              <option value="">{t('setup.languageDefault')}</option>
              {UI_LANGUAGES.map((lng) => (
                <option key={lng} value={lng} lang={lng}>
                  {uiLanguageName(lng)}
                </option>
              ))}
            </select>
          </label>
          {invite.error && <ErrorNotice code={errorCodeOf(invite.error)} />}
          {invited && (
            <p className="success" role="status">
              {t('setup.invited', { email: invited })}
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={invite.isPending}>
              {t('setup.invite')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
