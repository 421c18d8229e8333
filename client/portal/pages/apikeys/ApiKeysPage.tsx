import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { INGEST_MAX_RECORDS, INGEST_PATH } from '../../../../shared/schemas/ingest.ts';
import type { TApiKey, TCreateApiKeyOutput } from '../../../../shared/schemas/api-keys.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FieldError } from '../../../components/FieldError.tsx';
import { formatDateTime, formatNumber } from '../../../lib/format.ts';
import { errorCodeOf, fieldErrorsOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import './api-keys.css';

/** The ingestion call a connector makes, with the real endpoint of this installation. */
function curlExample(secret: string) {
  const record = {
    external_id: 'msg-0001',
    platform: 'gmail',
    channel: 'email',
    occurred_at: '2026-11-20T09:30:00Z',
    author: { email: 'ana@example.com' },
    subject: 'Supplier delay',
    body: 'The supplier confirmed a two-week delay.',
  };
  return [
    `curl -X POST ${window.location.origin}${INGEST_PATH} \\`,
    `  -H 'Authorization: Bearer ${secret}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify({ records: [record] })}'`,
  ].join('\n');
}

function NewKey({ created, onDone }: { created: TCreateApiKeyOutput; onDone: () => void }) {
  const { t } = useTranslation('apikeys');
  const [copied, setCopied] = useState(false);
  async function copy() {
    await navigator.clipboard.writeText(created.secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  }
  return (
    <div className="alert apikey-new" role="status">
      <p>
        <strong>{t('created.title', { label: created.key.label })}</strong>
      </p>
      <p>{t('created.warning')}</p>
      <div className="apikey-secret">
        <code dir="ltr" aria-label={t('created.secretLabel')}>
          {created.secret}
        </code>
        <button type="button" className="secondary" onClick={() => void copy()}>
          {copied ? t('created.copied') : t('created.copy')}
        </button>
      </div>
      <div className="actions">
        <button type="button" onClick={onDone}>
          {t('created.done')}
        </button>
      </div>
    </div>
  );
}

function KeyRow({ apiKey, onRevoke, busy }: { apiKey: TApiKey; onRevoke: (k: TApiKey) => void; busy: boolean }) {
  const { t } = useTranslation('apikeys');
  return (
    <tr>
      <td>{apiKey.label}</td>
      <td>
        <code dir="ltr">{apiKey.prefix}…</code>
      </td>
      <td>{formatDateTime(apiKey.createdAt)}</td>
      <td>{apiKey.createdBy ?? '—'}</td>
      <td>{apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : t('list.never')}</td>
      <td>
        {apiKey.revokedAt ? (
          <span className="badge bad">{t('list.revokedOn', { date: formatDateTime(apiKey.revokedAt) })}</span>
        ) : (
          <span className="badge ok">{t('list.active')}</span>
        )}
      </td>
      <td>
        {!apiKey.revokedAt && (
          <button type="button" className="secondary" disabled={busy} onClick={() => onRevoke(apiKey)}>
            {t('list.revoke', { label: apiKey.label })}
          </button>
        )}
      </td>
    </tr>
  );
}

/** Admin → API keys: keys for the connectors' ingestion calls. A new key's secret is shown once, here. */
export function ApiKeysPage() {
  const { t } = useTranslation('apikeys');
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const create = useMutation(trpc.apiKeys.create.mutationOptions());
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions());
  const [created, setCreated] = useState<TCreateApiKeyOutput | null>(null);
  const fieldErrors = fieldErrorsOf(create.error);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const label = String(new FormData(form).get('label') ?? '');
    const result = await create.mutateAsync({ label }).catch(() => null);
    if (!result) return;
    form.reset();
    setCreated(result);
    await keys.refetch();
  }

  async function confirmRevoke(apiKey: TApiKey) {
    if (!window.confirm(t('list.revokeConfirm', { label: apiKey.label }))) return;
    const done = await revoke.mutateAsync({ id: apiKey.id }).catch(() => null);
    if (done) await keys.refetch();
  }

  return (
    <>
      <section className="card">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro', { max: formatNumber(INGEST_MAX_RECORDS) })}</p>
        {keys.error && <ErrorNotice code={errorCodeOf(keys.error)} onRetry={() => void keys.refetch()} />}
        {keys.data && keys.data.length === 0 && <p className="muted">{t('list.empty')}</p>}
        {keys.data && keys.data.length > 0 && (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('list.label')}</th>
                  <th scope="col">{t('list.prefix')}</th>
                  <th scope="col">{t('list.created')}</th>
                  <th scope="col">{t('list.createdBy')}</th>
                  <th scope="col">{t('list.lastUsed')}</th>
                  <th scope="col">{t('list.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('list.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <KeyRow key={k.id} apiKey={k} onRevoke={(x) => void confirmRevoke(x)} busy={revoke.isPending} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {revoke.error && <ErrorNotice code={errorCodeOf(revoke.error)} />}
      </section>

      <section className="card">
        <h2>{t('create.title')}</h2>
        {created ? (
          <NewKey created={created} onDone={() => setCreated(null)} />
        ) : (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <label className="field">
              <span>{t('create.label')}</span>
              <input
                name="label"
                type="text"
                maxLength={100}
                placeholder={t('create.placeholder')}
                aria-describedby={fieldErrors.label ? 'err-label' : undefined}
              />
              <FieldError id="err-label" code={fieldErrors.label} />
            </label>
            {create.error && !fieldErrors.label && <ErrorNotice code={errorCodeOf(create.error)} />}
            <div className="actions">
              <button type="submit" disabled={create.isPending}>
                {t('create.submit')}
              </button>
            </div>
          </form>
        )}
      </section>

      <section className="card">
        <h2>{t('usage.title')}</h2>
        <p>{t('usage.body', { max: formatNumber(INGEST_MAX_RECORDS) })}</p>
        {/* Focusable so keyboard users can scroll the long command sideways. */}
        <pre className="apikey-curl" dir="ltr" tabIndex={0} aria-label={t('usage.title')}>
          <code>{curlExample(created?.secret ?? 'pk_xxxxxxxx_…')}</code>
        </pre>
        <p className="muted">{t('usage.consent')}</p>
      </section>
    </>
  );
}
