import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TSession, TSessionStep } from '../../../../shared/schemas/onboarding.ts';
import { formatClock, sessionClock, type ClockStep } from '../../../../shared/session-clock.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FieldError } from '../../../components/FieldError.tsx';
import { formatCalendarDate, formatDateTime, formatNumber, isolate } from '../../../lib/format.ts';
import { errorCodeOf, fieldErrorsOf } from '../../../lib/trpc-errors.ts';
import { useMe } from '../../session.ts';
import { useTRPC } from '../../trpc.ts';
import './onboarding.css';

const STATE_BADGE = { done: 'ok', current: 'warn', upcoming: '', not_done: 'bad' } as const;

/** Ticks every second while `running`; the server's clock, corrected for a device clock that is off. */
function useServerNow(serverNow: string | undefined, receivedAt: number, running: boolean) {
  const [deviceNow, setDeviceNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setDeviceNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const skew = serverNow ? Date.parse(serverNow) - receivedAt : 0;
  return deviceNow + skew;
}

/** Session tracker: the 8 steps of the runbook, a running clock, system-detected and operator-marked steps. */
export function SessionPage() {
  const { t } = useTranslation(['onboarding', 'common']);
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  // Steps done elsewhere (links generated, CEO invited) show up without a reload.
  const session = useQuery(trpc.onboarding.session.queryOptions(undefined, { refetchInterval: 15_000 }));
  const put = (data: TSession) => queryClient.setQueryData(trpc.onboarding.session.queryKey(), data);
  const start = useMutation(trpc.onboarding.start.mutationOptions({ onSuccess: put }));
  const close = useMutation(trpc.onboarding.close.mutationOptions({ onSuccess: put }));
  const mark = useMutation(trpc.onboarding.markStep.mutationOptions({ onSuccess: put }));
  const unmark = useMutation(trpc.onboarding.unmarkStep.mutationOptions({ onSuccess: put }));
  const [dialog, setDialog] = useState<{ kind: 'mark' | 'unmark'; step: number } | null>(null);
  const [closing, setClosing] = useState(false);
  const [starting, setStarting] = useState(false);
  const data = session.data;
  const now = useServerNow(data?.serverNow, session.dataUpdatedAt, Boolean(data?.startedAt && !data.closedAt));

  if (session.error) return <ErrorNotice code={errorCodeOf(session.error)} onRetry={() => void session.refetch()} />;
  if (!data) return <p aria-busy="true">{t('common:loading')}</p>;

  const canRun = me.data?.role === 'operator';
  const editable = canRun && !data.closedAt;
  const clock = sessionClock(
    data.steps.map((s) => ({ step: s.step, minutes: s.minutes, doneAt: s.doneAt })),
    data.startedAt,
    data.closedAt,
    now,
    data.totalMinutes,
  );
  const stepsMinutes = data.steps.reduce((sum, s) => sum + s.minutes, 0);
  const openSteps = data.steps.filter((s) => !s.done && s.step !== 8);
  const dialogStep = dialog ? data.steps.find((s) => s.step === dialog.step) : undefined;
  const dialogMutation = dialog?.kind === 'unmark' ? unmark : mark;

  return (
    <>
      <section className="card">
        <h1>{t('session.title')}</h1>
        <p className="muted">{t('session.intro')}</p>
        <p>{data.scheduledFor ? t('session.planned', { date: formatCalendarDate(data.scheduledFor) }) : t('session.notPlanned')}</p>
        {!canRun && <p className="muted">{t('session.viewOnly')}</p>}

        <div className="session-clock" aria-labelledby="clock-title">
          <h2 id="clock-title">{t('session.clock.title')}</h2>
          {clock.started ? (
            <>
              <p className={`clock-figure${clock.over ? ' over' : ''}`} role="timer">
                {t('session.clock.elapsedOfPlanned', {
                  elapsed: formatClock(clock.elapsedMs),
                  planned: formatClock(clock.plannedMs),
                })}
              </p>
              <progress value={Math.min(clock.elapsedMs, clock.plannedMs)} max={clock.plannedMs} aria-labelledby="clock-title" />
              {clock.over && <p className="clock-over">{t('session.clock.over', { over: formatClock(clock.elapsedMs - clock.plannedMs) })}</p>}
            </>
          ) : (
            <p className="muted">{t('session.clock.notStarted')}</p>
          )}
          {data.totalMinutes > stepsMinutes && (
            <p className="muted">{t('session.clock.buffer', { minutes: formatNumber(data.totalMinutes - stepsMinutes) })}</p>
          )}
        </div>

        {data.startedAt && <p>{t('session.started', { when: formatDateTime(data.startedAt) })}</p>}
        {data.closedAt && (
          <p className="success" role="status">
            {t('session.closed', { when: formatDateTime(data.closedAt) })}{' '}
            {data.postChecksScheduled > 0 && t('session.checksScheduled')}
          </p>
        )}
        {data.startedNotReady && <p className="note">{t('session.notReady.started', { reason: isolate(data.startedNotReady) })}</p>}
        {data.closedNotReady && <p className="note">{t('session.notReady.closed', { reason: isolate(data.closedNotReady) })}</p>}
        {editable && !data.checklistReady && (
          <p className="note" role="note">
            {t('session.notReady.banner')} <Link to="/portal/checklist">{t('session.notReady.openChecklist')}</Link>
          </p>
        )}
        {start.error && !starting && <ErrorNotice code={errorCodeOf(start.error)} />}
        {close.error && !closing && <ErrorNotice code={errorCodeOf(close.error)} />}
        {editable && (
          <div className="actions">
            {!data.startedAt && (
              <button
                type="button"
                disabled={start.isPending}
                onClick={() => (data.checklistReady ? start.mutate(undefined) : setStarting(true))}
              >
                {t('session.start')}
              </button>
            )}
            {data.startedAt && (
              <button type="button" className="danger" onClick={() => setClosing(true)}>
                {t('session.close')}
              </button>
            )}
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="steps-title">
        <h2 id="steps-title">{t('session.stepsTitle')}</h2>
        {!data.connectorsAvailable && <p className="note">{t('session.connectorsNote')}</p>}
        <ol className="session-steps">
          {data.steps.map((step) => (
            <StepItem
              key={step.step}
              step={step}
              clock={clock.steps.find((c) => c.step === step.step)!}
              actions={
                editable && step.step !== 8 ? (
                  step.mark ? (
                    <button type="button" className="secondary" onClick={() => setDialog({ kind: 'unmark', step: step.step })}>
                      {t('session.unmark')}
                      <span className="visually-hidden"> — {t('session.unmarkStep', { step: formatNumber(step.step) })}</span>
                    </button>
                  ) : !step.done ? (
                    <button type="button" className="secondary" onClick={() => setDialog({ kind: 'mark', step: step.step })}>
                      {t('session.mark')}
                      <span className="visually-hidden"> — {t('session.markStep', { step: formatNumber(step.step) })}</span>
                    </button>
                  ) : null
                ) : null
              }
            />
          ))}
        </ol>
      </section>

      {dialog && dialogStep && (
        <ReasonDialog
          title={t(dialog.kind === 'mark' ? 'session.dialog.markTitle' : 'session.dialog.unmarkTitle', {
            step: formatNumber(dialogStep.step),
            title: t(`steps.${dialogStep.step}.title` as 'steps.1.title'),
          })}
          pending={dialogMutation.isPending}
          error={dialogMutation.error}
          onCancel={() => {
            dialogMutation.reset();
            setDialog(null);
          }}
          onSubmit={async (reason) => {
            const done = await dialogMutation.mutateAsync({ step: dialog.step, reason }).catch(() => null);
            if (done) {
              dialogMutation.reset();
              setDialog(null);
            }
          }}
        />
      )}

      {starting && (
        <ReasonDialog
          title={t('session.notReady.startTitle')}
          reasonLabel={t('session.notReady.reason')}
          submitLabel={t('session.notReady.start')}
          pending={start.isPending}
          error={start.error}
          onCancel={() => {
            start.reset();
            setStarting(false);
          }}
          onSubmit={async (notReadyReason) => {
            const started = await start.mutateAsync({ notReadyReason }).catch(() => null);
            if (started) setStarting(false);
          }}
        >
          <NotReadyItems keys={data.checklistBlocking} />
        </ReasonDialog>
      )}

      {closing && !data.checklistReady && (
        <ReasonDialog
          title={t('session.notReady.closeTitle')}
          reasonLabel={t('session.notReady.reason')}
          submitLabel={t('session.notReady.close')}
          danger
          pending={close.isPending}
          error={close.error}
          onCancel={() => {
            close.reset();
            setClosing(false);
          }}
          onSubmit={async (notReadyReason) => {
            const closed = await close.mutateAsync({ notReadyReason }).catch(() => null);
            if (closed) setClosing(false);
          }}
        >
          <CloseSummary openSteps={openSteps} />
          <NotReadyItems keys={data.checklistBlocking} />
        </ReasonDialog>
      )}

      {closing && data.checklistReady && (
        <ModalDialog title={t('session.closeDialog.title')} onCancel={() => setClosing(false)}>
          <CloseSummary openSteps={openSteps} />
          {close.error && <ErrorNotice code={errorCodeOf(close.error)} />}
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={close.isPending}
              onClick={async () => {
                const closed = await close.mutateAsync(undefined).catch(() => null);
                if (closed) setClosing(false);
              }}
            >
              {t('session.closeDialog.confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setClosing(false)}>
              {t('session.closeDialog.cancel')}
            </button>
          </div>
        </ModalDialog>
      )}
    </>
  );
}

/** What closing does, and the steps still open. */
function CloseSummary({ openSteps }: { openSteps: TSessionStep[] }) {
  const { t } = useTranslation('onboarding');
  return (
    <>
      <p>{t('session.closeDialog.body')}</p>
      {openSteps.length > 0 ? (
        <>
          <p>{t('session.closeDialog.open')}</p>
          <ul>
            {openSteps.map((s) => (
              <li key={s.step}>
                {s.step}. {t(`steps.${s.step}.title` as 'steps.1.title')}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('session.closeDialog.allDone')}</p>
      )}
    </>
  );
}

/** The checklist items that are not confirmed, by their titles. */
function NotReadyItems({ keys }: { keys: TSession['checklistBlocking'] }) {
  const { t } = useTranslation('onboarding');
  return (
    <div className="alert" role="note">
      <p>{t('session.notReady.intro')}</p>
      <ul>
        {keys.map((key) => (
          <li key={key}>{t(`checklist.items.${key}.title`)}</li>
        ))}
      </ul>
    </div>
  );
}

function StepItem({ step, clock, actions }: { step: TSessionStep; clock: ClockStep; actions: ReactNode }) {
  const { t } = useTranslation('onboarding');
  const key = String(step.step) as '1';
  const rule = step.step === 8 ? 'close' : step.auto;
  return (
    <li className={`session-step state-${clock.state}`} aria-labelledby={`step-${step.step}-title`}>
      <div className="session-step-head">
        <h3 id={`step-${step.step}-title`}>
          {step.step}. {t(`steps.${key}.title`)}
        </h3>
        <div className="badges">
          <span className={`badge ${STATE_BADGE[clock.state]}`}>{t(`session.state.${clock.state}`)}</span>
          {step.doneBy && <span className="badge ok">{t(`session.doneBy.${step.doneBy}`)}</span>}
          {step.connectorStatus === 'not_connected' && <span className="badge bad">{t('session.notConnected')}</span>}
          {clock.beforeStart && <span className="badge">{t('session.beforeStart')}</span>}
        </div>
      </div>
      <p className="muted">{t(`steps.${key}.action`)}</p>
      <dl className="session-step-times">
        <div>
          <dt>{t('session.columns.planned')}</dt>
          <dd>{t('session.minutes', { minutes: formatNumber(step.minutes) })}</dd>
        </div>
        <div>
          <dt>{t('session.columns.elapsed')}</dt>
          <dd className={clock.over ? 'clock-over' : undefined}>{formatClock(clock.elapsedMs)}</dd>
        </div>
      </dl>
      {rule && <p className="muted">{t(`session.rule.${rule}`)}</p>}
      {step.auto === 'links_generated' && step.system.counts && (
        <p className="muted">
          {t('session.saw.links_generated', {
            employees: formatNumber(step.system.counts.employees ?? 0),
            links: formatNumber(step.system.counts.links ?? 0),
          })}
        </p>
      )}
      {step.auto === 'ceo_login' && step.system.counts && (
        <p className="muted">
          {t('session.saw.ceo_login', {
            ceos: formatNumber(step.system.counts.ceos ?? 0),
            withAccess: formatNumber(step.system.counts.withAccess ?? 0),
          })}
        </p>
      )}
      {step.mark && (
        <p>
          {t('session.markedBy', {
            who: isolate(step.mark.doneBy),
            when: formatDateTime(step.mark.doneAt),
            reason: isolate(step.mark.reason),
          })}
        </p>
      )}
      {actions && <div className="actions">{actions}</div>}
    </li>
  );
}

/** A native modal dialog: focus moves into it, Escape closes it, the page behind is inert. */
function ModalDialog({ title, onCancel, children }: { title: string; onCancel: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="onboarding-dialog"
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="dialog-title">{title}</h2>
      {children}
    </dialog>
  );
}

function ReasonDialog(props: {
  title: string;
  pending: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: (reason: string) => void;
  /** What the reason is asked for, shown above the field. */
  children?: ReactNode;
  reasonLabel?: string;
  submitLabel?: string;
  danger?: boolean;
}) {
  const { t } = useTranslation('onboarding');
  const [missing, setMissing] = useState(false);
  const errors = fieldErrorsOf(props.error);
  const reasonError = missing ? 'validation.required' : (errors.reason ?? errors.notReadyReason);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    setMissing(reason === '');
    if (reason !== '') props.onSubmit(reason);
  }

  return (
    <ModalDialog title={props.title} onCancel={props.onCancel}>
      {props.children}
      <form onSubmit={submit} noValidate>
        <label className="field">
          <span>{props.reasonLabel ?? t('session.dialog.reason')}</span>
          <textarea
            name="reason"
            rows={3}
            maxLength={500}
            required
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'reason-error' : undefined}
          />
          <FieldError id="reason-error" code={reasonError} />
        </label>
        {Boolean(props.error) && !reasonError && <ErrorNotice code={errorCodeOf(props.error)} />}
        <div className="actions">
          <button type="submit" className={props.danger ? 'danger' : undefined} disabled={props.pending}>
            {props.submitLabel ?? t('session.dialog.save')}
          </button>
          <button type="button" className="secondary" onClick={props.onCancel}>
            {t('session.dialog.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
