/**
 * The employee's enrollment, in at most four screens: notice → identity → choices (with acknowledgment) → receipt.
 * Answers live in this component's state until the server acknowledges them, so a failed submit loses nothing.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../shared/channels.ts';
import { PLATFORM_ID_FIELDS, type PlatformIdField } from '../../shared/identity.ts';
import { uiLanguageName } from '../../shared/languages.ts';
import type { TEnrollmentGetOutput, TIdentity, TReceipt } from '../../shared/schemas/enrollment.ts';
import { ErrorNotice, useErrorMessage } from '../components/ErrorNotice.tsx';
import { NoticeText } from '../components/NoticeText.tsx';
import { currentLanguage } from '../i18n/index.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { manageHref, rememberManageToken } from '../lib/manage-token.ts';
import { errorCodeOf, fieldErrorsOf } from '../lib/trpc-errors.ts';
import { uuidv4 } from '../lib/uuid.ts';
import { api, useAction, useLoad } from './api.ts';
import { Link } from './router.tsx';

type Step = 'notice' | 'identity' | 'choices';
type Choice = 'grant' | 'deny';
const LINK_ERRORS = ['LINK_INVALID', 'LINK_EXPIRED', 'LINK_USED'] as const;
type LinkErrorCode = (typeof LINK_ERRORS)[number];

export function Enroll({ token }: { token: string }) {
  const { t } = useTranslation(['enroll', 'common']);
  const language = currentLanguage();
  const [step, setStep] = useState<Step>('notice');
  const [receipt, setReceipt] = useState<TReceipt | null>(null);
  // Answers stay here, above the screens, until the server has acknowledged them.
  const [identity, setIdentity] = useState<IdentityState | null>(null);
  const [answers, setAnswers] = useState<Answers>(() => ({ choices: {}, acknowledged: false, key: uuidv4() }));

  const enrollment = useLoad(() => api.enrollment.get.query({ token, language }), [token, language], !receipt);
  const shownVersionId = enrollment.data?.notice.versionId;
  useEffect(() => {
    // Record which notice version, in which language, was actually put in front of the employee.
    if (shownVersionId && !receipt) {
      api.enrollment.noticeShown.mutate({ token, noticeVersionId: shownVersionId }).catch(() => {});
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per notice version displayed
  }, [shownVersionId]);

  useEffect(() => {
    window.scrollTo(0, 0);
  }, [step, receipt]);

  if (receipt) return <Receipt receipt={receipt} />;
  if (enrollment.error) {
    const code = errorCodeOf(enrollment.error);
    if ((LINK_ERRORS as readonly string[]).includes(code)) return <LinkError code={code as LinkErrorCode} />;
    return <ErrorNotice code={code} onRetry={enrollment.reload} />;
  }
  if (!enrollment.data) return <p aria-busy="true">{t('common:loading')}</p>;
  const data = enrollment.data;
  const stepNumber = { notice: 1, identity: 2, choices: 3 }[step];

  return (
    <section className="card">
      <p className="step">{t('stepOf', { step: formatNumber(stepNumber), total: formatNumber(4) })}</p>
      {step === 'notice' && <NoticeStep data={data} onContinue={() => setStep('identity')} />}
      {step === 'identity' && (
        <IdentityForm
          data={data}
          state={identity ?? { identity: data.identity, correcting: false }}
          onChange={setIdentity}
          onBack={() => setStep('notice')}
          onContinue={() => setStep('choices')}
        />
      )}
      {step === 'choices' && (
        <ChoicesStep
          token={token}
          data={data}
          identity={identity?.identity ?? data.identity}
          answers={answers}
          onChange={setAnswers}
          onBack={() => setStep('identity')}
          onSaved={setReceipt}
        />
      )}
    </section>
  );
}

function NoticeStep({ data, onContinue }: { data: TEnrollmentGetOutput; onContinue: () => void }) {
  const { t } = useTranslation(['enroll', 'common']);
  return (
    <>
      <h1>{data.notice.title}</h1>
      <p className="muted">
        {t('disclosure.version', { label: data.notice.label })} ·{' '}
        {t('disclosure.shownIn', { language: uiLanguageName(data.notice.language) })}
      </p>
      <NoticeText body={data.notice.body} />
      <div className="actions">
        <button type="button" onClick={onContinue}>
          {t('common:actions.continue')}
        </button>
      </div>
    </>
  );
}

type IdentityState = { identity: TIdentity; correcting: boolean };
type Answers = { choices: Partial<Record<Channel, Choice>>; acknowledged: boolean; key: string };

function IdentityForm(props: {
  data: TEnrollmentGetOutput;
  state: IdentityState;
  onChange: (state: IdentityState) => void;
  onBack: () => void;
  onContinue: () => void;
}) {
  const { data, state, onChange: setState, onBack, onContinue } = props;
  const { t } = useTranslation(['enroll', 'common']);
  const { identity, correcting } = state;
  const setField = (field: 'email' | 'displayName', value: string) =>
    setState({ ...state, identity: { ...identity, [field]: value } });
  const setPlatform = (field: PlatformIdField, value: string) =>
    setState({ ...state, identity: { ...identity, platformIds: { ...identity.platformIds, [field]: value } } });
  const platformFields = PLATFORM_ID_FIELDS.filter((f) => correcting || data.identity.platformIds[f]);

  return (
    <>
      <h1>{t('identity.heading')}</h1>
      <p>{t('identity.intro', { customer: data.customerName })}</p>
      {correcting && <p className="muted">{t('identity.correcting')}</p>}
      <dl className="identity">
        <IdentityField label={t('identity.email')} value={identity.email} editing={correcting} type="email" onChange={(v) => setField('email', v)} />
        <IdentityField label={t('identity.displayName')} value={identity.displayName} editing={correcting} onChange={(v) => setField('displayName', v)} />
        {platformFields.map((field) => (
          <IdentityField
            key={field}
            label={t(`identity.${field}`)}
            value={identity.platformIds[field] ?? ''}
            editing={correcting}
            type={field === 'phone' ? 'tel' : 'text'}
            onChange={(v) => setPlatform(field, v)}
          />
        ))}
      </dl>
      <div className="actions">
        <button type="button" onClick={onContinue}>
          {correcting ? t('common:actions.continue') : t('identity.confirm')}
        </button>
        {correcting ? (
          <button type="button" className="link" onClick={() => setState({ identity: data.identity, correcting: false })}>
            {t('identity.undo')}
          </button>
        ) : (
          <button type="button" className="link" onClick={() => setState({ ...state, correcting: true })}>
            {t('identity.correct')}
          </button>
        )}
        <button type="button" className="link" onClick={onBack}>
          {t('common:actions.back')}
        </button>
      </div>
    </>
  );
}

function IdentityField(props: {
  label: string;
  value: string;
  editing: boolean;
  type?: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation('enroll');
  if (!props.editing) {
    return (
      <div className="field">
        <dt>{props.label}</dt>
        <dd dir="auto">{props.value || <span className="muted">{t('identity.none')}</span>}</dd>
      </div>
    );
  }
  return (
    <div className="field">
      <dt>
        <label>
          {props.label}
          <input dir="auto" type={props.type ?? 'text'} value={props.value} onChange={(e) => props.onChange(e.target.value)} />
        </label>
      </dt>
    </div>
  );
}

function ChoicesStep(props: {
  token: string;
  data: TEnrollmentGetOutput;
  identity: TIdentity;
  answers: Answers;
  onChange: (answers: Answers) => void;
  onBack: () => void;
  onSaved: (receipt: TReceipt) => void;
}) {
  const { token, data, identity, answers: state, onChange: setState } = props;
  const { t } = useTranslation(['enroll', 'common']);
  const errorMessage = useErrorMessage();
  const [localError, setLocalError] = useState<string | null>(null);
  const submit = useAction(api.enrollment.submit.mutate);
  const fieldErrors = submit.error ? fieldErrorsOf(submit.error) : {};
  const identityError = Object.keys(fieldErrors).some((path) => path.startsWith('identity'));

  const send = async () => {
    setLocalError(null);
    if (data.channels.some((c) => !state.choices[c])) return setLocalError('validation.chooseEveryChannel');
    if (!state.acknowledged) return setLocalError('validation.acknowledge');
    const receipt = await submit.run({
      token,
      // One key per enrollment: a retry after a lost response records the decision once.
      idempotencyKey: state.key,
      noticeVersionId: data.notice.versionId,
      language: data.notice.language,
      identity,
      choices: data.channels.map((channel) => ({ channel, decision: state.choices[channel]! })),
      acknowledged: true,
    });
    if (receipt) {
      rememberManageToken(receipt.manageToken);
      props.onSaved(receipt);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      noValidate
    >
      <h1>{t('choices.heading')}</h1>
      <p>{t('choices.intro')}</p>
      {data.channels.map((channel) => (
        <fieldset key={channel} className="channel" data-channel={channel}>
          <legend>{t(`common:channels.${channel}`)}</legend>
          <p className="muted">{t(`common:channelDescriptions.${channel}`)}</p>
          <div className="choice-pair">
            {(['grant', 'deny'] as const).map((decision) => (
              <label key={decision} className="choice">
                <input
                  type="radio"
                  name={`choice-${channel}`}
                  value={decision}
                  checked={state.choices[channel] === decision}
                  onChange={() => setState({ ...state, choices: { ...state.choices, [channel]: decision } })}
                />
                <span>{decision === 'grant' ? t('choices.allow') : t('choices.deny')}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <label className="acknowledge">
        <input
          type="checkbox"
          checked={state.acknowledged}
          onChange={(e) => setState({ ...state, acknowledged: e.target.checked })}
        />
        <span>{t('choices.acknowledge')}</span>
      </label>
      {localError && (
        <p className="field-error" role="alert">
          {t(`common:${localError}` as 'common:validation.required')}
        </p>
      )}
      {submit.error != null && (
        <div className="alert" role="alert">
          <strong>{t('choices.notSaved')}</strong>
          <p>{errorMessage(errorCodeOf(submit.error))}</p>
          {Object.entries(fieldErrors).map(([path, key]) => (
            <p key={path} className="field-error">
              {t(`common:${key}` as 'common:validation.required')}
            </p>
          ))}
          {identityError && (
            <button type="button" className="link" onClick={props.onBack}>
              {t('identity.correct')}
            </button>
          )}
        </div>
      )}
      <div className="actions">
        <button type="submit" disabled={submit.pending} aria-busy={submit.pending}>
          {submit.pending ? t('choices.submitting') : submit.error != null ? t('common:actions.retry') : t('choices.submit')}
        </button>
        <button type="button" className="link" onClick={props.onBack} disabled={submit.pending}>
          {t('common:actions.back')}
        </button>
      </div>
    </form>
  );
}

function Receipt({ receipt }: { receipt: TReceipt }) {
  const { t } = useTranslation(['enroll', 'common']);
  return (
    <section className="card receipt">
      <p className="step">{t('stepOf', { step: formatNumber(4), total: formatNumber(4) })}</p>
      <h1>{t('receipt.heading')}</h1>
      <p>{t('receipt.intro', { name: receipt.displayName })}</p>
      <ul className="decisions">
        {receipt.decisions.map((d) => (
          <li key={d.channel} data-channel={d.channel} data-decision={d.decision}>
            <span>{t(`common:channels.${d.channel}`)}</span>
            <strong className={d.decision === 'grant' ? 'yes' : 'no'}>{t(`common:decisions.${d.decision}`)}</strong>
          </li>
        ))}
      </ul>
      <p className="muted">
        {t('receipt.recordedAt', { date: formatDateTime(receipt.recordedAt) })} ·{' '}
        {t('receipt.notice', { label: receipt.noticeLabel })}
      </p>
      {receipt.identityCorrected && <p>{t('receipt.corrected')}</p>}
      <p>
        <Link className="button" href={manageHref(receipt.manageToken)}>
          {t('receipt.manage')}
        </Link>
      </p>
      <p className="muted">{t('receipt.manageHint')}</p>
    </section>
  );
}

function LinkError({ code }: { code: LinkErrorCode }) {
  const { t } = useTranslation('enroll');
  return (
    <section className="card link-error" data-error={code}>
      <h1>{t(`linkError.${code}.title`)}</h1>
      <p>{t(`linkError.${code}.body`)}</p>
      <p>{t(`linkError.${code}.who`)}</p>
    </section>
  );
}
