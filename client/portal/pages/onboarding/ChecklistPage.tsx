import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TChecklist, TChecklistItem } from '../../../../shared/schemas/onboarding.ts';
import { CHECKLIST_ITEM_STATUSES, type ChecklistItemStatus } from '../../../../shared/onboarding.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FieldError } from '../../../components/FieldError.tsx';
import { formatCalendarDate, formatDateTime, formatList, isolate } from '../../../lib/format.ts';
import { errorCodeOf, fieldErrorsOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import './onboarding.css';

const STATUS_BADGE = { pending: 'warn', confirmed: 'ok', blocked: 'bad' } as const;
const SEND_BADGE = { unscheduled: '', early: '', due: 'warn', late: 'bad', sent: 'ok' } as const;

/** Every mutation answers with the whole checklist: put it straight into the query cache. */
function useChecklistUpdate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (data: TChecklist) => queryClient.setQueryData(trpc.onboarding.checklist.queryKey(), data);
}

/** Pre-onboarding checklist (seed 000): the operator and the customer admin confirm each item before the session. */
export function ChecklistPage() {
  const { t } = useTranslation(['onboarding', 'common']);
  const trpc = useTRPC();
  const checklist = useQuery(trpc.onboarding.checklist.queryOptions());

  if (checklist.error) return <ErrorNotice code={errorCodeOf(checklist.error)} onRetry={() => void checklist.refetch()} />;
  if (!checklist.data) return <p aria-busy="true">{t('common:loading')}</p>;
  const data = checklist.data;

  return (
    <>
      <section className="card">
        <h1>{t('checklist.title')}</h1>
        <p className="muted">{t('checklist.intro')}</p>
        <Readiness checklist={data} />
      </section>
      <SessionDateCard checklist={data} />
      <section className="card" aria-labelledby="checklist-items">
        <h2 id="checklist-items">{t('checklist.itemsTitle')}</h2>
        <ol className="checklist-items">
          {data.items.map((item) => (
            <ItemCard key={item.key} item={item} />
          ))}
        </ol>
      </section>
      <EmailCard checklist={data} />
    </>
  );
}

function Readiness({ checklist }: { checklist: TChecklist }) {
  const { t } = useTranslation('onboarding');
  if (checklist.ready) {
    return (
      <p className="success" role="status">
        {t('checklist.ready.yes')}
      </p>
    );
  }
  return (
    <div className="readiness" role="status">
      <p>
        <strong>{t('checklist.ready.no')}</strong>
      </p>
      <ul>
        {checklist.blocking.map((item) => (
          <li key={item.key}>
            <strong>{t(`checklist.items.${item.key}.title`)}</strong>{' '}
            <span className={`badge ${STATUS_BADGE[item.status]}`}>{t(`checklist.status.${item.status}`)}</span>
            {item.note && (
              <span className="muted">
                {' — '}
                <bdi>{item.note}</bdi>
              </span>
            )}
            {item.fix ? (
              <p className="fix">
                {t('checklist.ready.fix', { issue: t(`issues.${item.fix}.issue`) })} {t(`issues.${item.fix}.resolution`)}
                <br />
                <span className="muted">{t('checklist.ready.cause', { cause: t(`issues.${item.fix}.cause`) })}</span>
              </p>
            ) : (
              <p className="fix">
                {t('checklist.ready.action')} {t(`checklist.items.${item.key}.action`)}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SessionDateCard({ checklist }: { checklist: TChecklist }) {
  const { t } = useTranslation('onboarding');
  const trpc = useTRPC();
  const update = useChecklistUpdate();
  const setDate = useMutation(trpc.onboarding.setSessionDate.mutationOptions({ onSuccess: update }));
  const errors = fieldErrorsOf(setDate.error);
  const sendWindow = checklist.sendWindow;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('sessionDate') ?? '');
    setDate.mutate({ sessionDate: value });
  }

  return (
    <section className="card" aria-labelledby="session-date">
      <h2 id="session-date">{t('checklist.date.title')}</h2>
      <form onSubmit={submit} noValidate key={checklist.sessionDate ?? 'none'}>
        <label className="field">
          <span>{t('checklist.date.label')}</span>
          <input
            name="sessionDate"
            type="date"
            defaultValue={checklist.sessionDate ?? ''}
            aria-describedby={errors.sessionDate ? 'err-session-date' : undefined}
          />
          <FieldError id="err-session-date" code={errors.sessionDate} />
        </label>
        <div className="actions">
          <button type="submit" disabled={setDate.isPending}>
            {t('checklist.date.save')}
          </button>
          {checklist.sessionDate && (
            <button type="button" className="secondary" disabled={setDate.isPending} onClick={() => setDate.mutate({ sessionDate: null })}>
              {t('checklist.date.clear')}
            </button>
          )}
        </div>
      </form>
      {setDate.error && !errors.sessionDate && <ErrorNotice code={errorCodeOf(setDate.error)} />}
      {checklist.sessionDate && sendWindow ? (
        <>
          <p>{t('checklist.date.planned', { date: formatCalendarDate(checklist.sessionDate) })}</p>
          <p>
            {t('checklist.window.sendBetween', {
              earliest: formatCalendarDate(sendWindow.earliest),
              latest: formatCalendarDate(sendWindow.latest),
            })}
          </p>
        </>
      ) : (
        <p className="muted">{t('checklist.date.none')}</p>
      )}
      {checklist.sendStatus !== 'unscheduled' && (
        <p>
          <span className={`badge ${SEND_BADGE[checklist.sendStatus]}`}>
            {checklist.sendStatus === 'sent'
              ? t('checklist.window.sent', { when: formatDateTime(checklist.checklistSentAt ?? '') })
              : t(`checklist.window.${checklist.sendStatus}`, {
                  earliest: sendWindow ? formatCalendarDate(sendWindow.earliest) : '',
                  latest: sendWindow ? formatCalendarDate(sendWindow.latest) : '',
                })}
          </span>
        </p>
      )}
    </section>
  );
}

function ItemCard({ item }: { item: TChecklistItem }) {
  const { t } = useTranslation('onboarding');
  const trpc = useTRPC();
  const update = useChecklistUpdate();
  const save = useMutation(trpc.onboarding.updateItem.mutationOptions({ onSuccess: update }));
  const errors = fieldErrorsOf(save.error);
  const title = t(`checklist.items.${item.key}.title`);
  const id = `item-${item.key}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const status = String(form.get('status') ?? item.status);
    save.mutate({
      item: item.key,
      status: (CHECKLIST_ITEM_STATUSES as readonly string[]).includes(status) ? (status as ChecklistItemStatus) : item.status,
      note: String(form.get('note') ?? ''),
    });
  }

  return (
    <li className="checklist-item" aria-labelledby={`${id}-title`}>
      <div className="checklist-item-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <span className={`badge ${STATUS_BADGE[item.status]}`}>{t(`checklist.status.${item.status}`)}</span>
      </div>
      <dl className="checklist-facts">
        <div>
          <dt>{t('checklist.columns.platform')}</dt>
          <dd>{t(`checklist.items.${item.key}.platform`)}</dd>
        </div>
        <div>
          <dt>{t('checklist.columns.who')}</dt>
          <dd>{t(`checklist.items.${item.key}.who`)}</dd>
        </div>
        <div className="wide">
          <dt>{t('checklist.columns.action')}</dt>
          <dd>{t(`checklist.items.${item.key}.action`)}</dd>
        </div>
      </dl>
      {/* Keyed by the last update so the fields show what someone else saved meanwhile. */}
      <form onSubmit={submit} noValidate key={item.updatedAt ?? 'never'}>
        <fieldset className="field">
          <legend>{t('checklist.statusOf', { item: title })}</legend>
          <div>
            {CHECKLIST_ITEM_STATUSES.map((status) => (
              <label key={status} className="check">
                <input type="radio" name="status" value={status} defaultChecked={item.status === status} />
                {t(`checklist.status.${status}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          <span>{t('checklist.noteOf', { item: title })}</span>
          <textarea
            name="note"
            rows={2}
            maxLength={2000}
            defaultValue={item.note ?? ''}
            aria-describedby={errors.note ? `${id}-note-error` : undefined}
          />
          <FieldError id={`${id}-note-error`} code={errors.note} />
        </label>
        {save.error && !errors.note && <ErrorNotice code={errorCodeOf(save.error)} />}
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {t('checklist.save')}
          </button>
        </div>
      </form>
      <p className="muted" role="status">
        {save.isSuccess && !save.isPending ? t('checklist.saved') : ''}
      </p>
      <p className="muted">
        {t('checklist.columns.updated')}:{' '}
        {item.updatedAt
          ? t('checklist.updatedBy', { who: isolate(item.updatedBy ?? ''), when: formatDateTime(item.updatedAt) })
          : t('checklist.neverUpdated')}
      </p>
    </li>
  );
}

function EmailCard({ checklist }: { checklist: TChecklist }) {
  const { t } = useTranslation('onboarding');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const send = useMutation(
    trpc.onboarding.emailChecklist.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.onboarding.checklist.queryKey() }),
    }),
  );
  const noRecipient = checklist.recipients.length === 0;
  const noDate = checklist.sessionDate === null;
  const result = send.data;
  const delivered = result?.messages.filter((m) => m.status !== 'failed') ?? [];
  const failed = result?.messages.filter((m) => m.status === 'failed') ?? [];

  return (
    <section className="card" aria-labelledby="checklist-email">
      <h2 id="checklist-email">{t('checklist.email.title')}</h2>
      {noRecipient ? (
        <p className="muted">{t('checklist.email.noRecipient')}</p>
      ) : (
        <p>{t('checklist.email.to', { recipients: formatList(checklist.recipients.map(isolate)) })}</p>
      )}
      {!noRecipient && noDate && <p className="muted">{t('checklist.email.needsDate')}</p>}
      {send.error && <ErrorNotice code={errorCodeOf(send.error)} />}
      {delivered.length > 0 && (
        <p className="success" role="status">
          {t('checklist.email.sent', { recipients: formatList(delivered.map((m) => isolate(m.to))) })}
          {delivered.some((m) => m.status === 'outbox') && <> {t('checklist.email.outbox')}</>}
        </p>
      )}
      {failed.length > 0 && (
        <p className="alert" role="alert">
          {t('checklist.email.failedTo', { recipients: formatList(failed.map((m) => isolate(m.to))) })}
        </p>
      )}
      <div className="actions">
        <button type="button" disabled={send.isPending || noRecipient || noDate} onClick={() => send.mutate()}>
          {t('checklist.email.send')}
        </button>
      </div>
    </section>
  );
}
