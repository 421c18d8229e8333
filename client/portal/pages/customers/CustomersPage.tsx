import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CHANNELS } from '../../../../shared/channels.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDate } from '../../../lib/format.ts';
import { outputLanguageLabel } from '../../../lib/languages-display.ts';
import { errorCodeOf, fieldErrorsOf } from '../../../lib/trpc-errors.ts';
import { uuidv4 } from '../../../lib/uuid.ts';
import { useRefreshMe } from '../../session.ts';
import { useTRPC } from '../../trpc.ts';
import { CustomerFields, readCustomerFields } from './CustomerFields.tsx';

const NEW_CUSTOMER = { name: '', ceoName: '', outputLanguage: 'en', channels: CHANNELS, contactEmail: null };

/** Operator home: every customer, pick one to work on, or create one (session step 1, portal setup). */
export function CustomersPage() {
  const { t } = useTranslation(['portal', 'common']);
  const trpc = useTRPC();
  const navigate = useNavigate();
  const refreshMe = useRefreshMe();
  const customers = useQuery(trpc.customers.list.queryOptions());
  const select = useMutation(trpc.session.selectCustomer.mutationOptions());
  const create = useMutation(trpc.customers.create.mutationOptions());
  // One request id per form fill: a double submit or a retry creates the customer once.
  const [requestId, setRequestId] = useState(uuidv4);
  const fieldErrors = fieldErrorsOf(create.error);

  async function workOn(customerId: string, to = '/portal/setup') {
    await select.mutateAsync({ customerId });
    await refreshMe();
    await navigate(to);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const created = await create
      .mutateAsync({ requestId, ...readCustomerFields(new FormData(event.currentTarget)) })
      .catch(() => null);
    if (!created) return;
    setRequestId(uuidv4());
    await customers.refetch();
    await workOn(created.id);
  }

  return (
    <>
      <section className="card">
        <h1>{t('customers.title')}</h1>
        {customers.error && <ErrorNotice code={errorCodeOf(customers.error)} onRetry={() => void customers.refetch()} />}
        {customers.data && customers.data.length === 0 && <p className="muted">{t('customers.empty')}</p>}
        {customers.data && customers.data.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('customers.name')}</th>
                <th scope="col">{t('customers.ceoName')}</th>
                <th scope="col">{t('customers.outputLanguage')}</th>
                <th scope="col">{t('customers.created')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('customers.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {customers.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.ceoName}</td>
                  <td lang={c.outputLanguage}>{outputLanguageLabel(c.outputLanguage)}</td>
                  <td>{formatDate(c.createdAt)}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void workOn(c.id)}>
                      {t('customers.workOn', { name: c.name })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {select.error && <ErrorNotice code={errorCodeOf(select.error)} />}
      </section>

      <section className="card">
        <h2>{t('customers.createTitle')}</h2>
        <form onSubmit={submit} noValidate>
          <CustomerFields defaults={NEW_CUSTOMER} errors={fieldErrors} />
          {create.error && <ErrorNotice code={errorCodeOf(create.error)} />}
          <div className="actions">
            <button type="submit" disabled={create.isPending}>
              {t('customers.create')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
