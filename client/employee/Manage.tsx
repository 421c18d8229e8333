/**
 * "Manage my consent": works from the durable secret (URL fragment or remembered on this device), long after the
 * enrollment link expired. Withdrawing a channel is one tap; "withdraw everything" is one tap. Allowing again
 * shows the notice and asks for the same acknowledgment as the first time.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../shared/channels.ts';
import type { TManageGetOutput } from '../../shared/schemas/consent.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NoticeText } from '../components/NoticeText.tsx';
import { currentLanguage } from '../i18n/index.ts';
import { formatDateTime, formatList, formatTime } from '../lib/format.ts';
import { forgetManageToken, rememberManageToken, storedManageToken } from '../lib/manage-token.ts';
import { errorCodeOf } from '../lib/trpc-errors.ts';
import { uuidv4 } from '../lib/uuid.ts';
import { api, useAction, useLoad } from './api.ts';

function takeTokenFromFragment(): string | null {
  const fromHash = window.location.hash.slice(1);
  if (fromHash) {
    rememberManageToken(fromHash);
    // Keep the secret out of the visible address bar and history once it is stored.
    window.history.replaceState(null, '', window.location.pathname);
    return fromHash;
  }
  return storedManageToken();
}

export function Manage() {
  const { t } = useTranslation(['manage', 'common']);
  const [manageToken, setManageToken] = useState(takeTokenFromFragment);
  if (!manageToken) {
    return (
      <section className="card">
        <h1>{t('noToken.title')}</h1>
        <p>{t('noToken.body')}</p>
      </section>
    );
  }
  return (
    <ManageConsent
      manageToken={manageToken}
      onForget={() => {
        forgetManageToken();
        setManageToken(null);
      }}
    />
  );
}

// The receipt's count uses toLocaleString rather than lib/format's formatNumber, which would be pulled into a
// chunk the /enroll route loads (its bundle size is a target, see bench:consent).
type Outcome = { action: 'grant' | 'withdraw'; channels: Channel[]; recordedAt: string; removed: number };

function ManageConsent({ manageToken, onForget }: { manageToken: string; onForget: () => void }) {
  const { t } = useTranslation(['manage', 'common']);
  const language = currentLanguage();
  const state = useLoad(() => api.consent.manage.query({ manageToken, language }), [manageToken, language]);
  const [granting, setGranting] = useState<Channel | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const action = useAction(api.consent.update.mutate);
  const update = {
    pending: action.pending,
    error: action.error,
    mutate: async (input: Parameters<typeof api.consent.update.mutate>[0]) => {
      const result = await action.run(input);
      if (!result) return;
      setOutcome(result);
      setGranting(null);
      setAcknowledged(false);
      state.reload();
    },
  };

  if (state.error) {
    const code = errorCodeOf(state.error);
    return (
      <section className="card">
        <ErrorNotice code={code} onRetry={code === 'MANAGE_LINK_INVALID' ? undefined : state.reload} />
        {code === 'MANAGE_LINK_INVALID' && (
          <button type="button" className="link" onClick={onForget}>
            {t('forget')}
          </button>
        )}
      </section>
    );
  }
  if (!state.data) return <p aria-busy="true">{t('common:loading')}</p>;
  const data: TManageGetOutput = state.data;
  const allowed = data.channels.filter((c) => c.allowed).map((c) => c.channel);
  const withdraw = (channels: Channel[]) =>
    void update.mutate({ manageToken, action: 'withdraw', idempotencyKey: uuidv4(), channels });
  const channelNames = (channels: Channel[]) => formatList(channels.map((c) => t(`common:channels.${c}`)));

  return (
    <section className="card manage">
      <h1>{t('heading')}</h1>
      <p className="muted">{t('intro', { name: data.displayName, customer: data.customerName })}</p>

      {outcome && (
        <p className="success" role="status">
          {outcome.channels.length === 0
            ? t('nothingChanged')
            : outcome.action === 'withdraw'
              ? `${t('withdrawn', { channels: channelNames(outcome.channels), time: formatTime(outcome.recordedAt) })} ${t('removed', { n: outcome.removed.toLocaleString(language) })}`
              : t('granted', { channels: channelNames(outcome.channels), time: formatTime(outcome.recordedAt) })}
        </p>
      )}
      {update.error != null && <ErrorNotice code={errorCodeOf(update.error)} />}

      <ul className="channels">
        {data.channels.map(({ channel, allowed: isAllowed, since }) => (
          <li key={channel} data-channel={channel} data-allowed={isAllowed}>
            <div>
              <strong>{t(`common:channels.${channel}`)}</strong>
              <span className="muted">
                {isAllowed && since ? t('allowedSince', { date: formatDateTime(since) }) : t('notAllowed')}
              </span>
            </div>
            {isAllowed ? (
              <button type="button" disabled={update.pending} onClick={() => withdraw([channel])}>
                {t('withdraw')}
              </button>
            ) : (
              <button
                type="button"
                className="secondary"
                disabled={update.pending}
                onClick={() => {
                  setGranting(channel);
                  setAcknowledged(false);
                }}
              >
                {t('allow')}
              </button>
            )}
          </li>
        ))}
      </ul>

      {granting && (
        <form
          className="grant"
          onSubmit={(e) => {
            e.preventDefault();
            if (!acknowledged) return;
            void update.mutate({
              manageToken,
              action: 'grant',
              idempotencyKey: uuidv4(),
              channels: [granting],
              noticeVersionId: data.notice.versionId,
              language: data.notice.language,
              acknowledged: true,
            });
          }}
        >
          <h2>{t('allowTitle', { channel: t(`common:channels.${granting}`) })}</h2>
          <details>
            <summary>{t('readNotice')}</summary>
            <h3>{data.notice.title}</h3>
            <NoticeText body={data.notice.body} />
          </details>
          <label className="acknowledge">
            <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} />
            <span>{t('acknowledge')}</span>
          </label>
          <div className="actions">
            <button type="submit" disabled={!acknowledged || update.pending}>
              {t('confirmAllow', { channel: t(`common:channels.${granting}`) })}
            </button>
            <button type="button" className="link" onClick={() => setGranting(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}

      {allowed.length > 1 && (
        <div className="actions">
          <button type="button" className="danger" disabled={update.pending} onClick={() => withdraw(allowed)}>
            {t('withdrawAll')}
          </button>
        </div>
      )}

      <h2>{t('history')}</h2>
      <ol className="history">
        {data.history
          .slice()
          .reverse()
          .map((e, i) => (
            <li key={i}>
              {t('historyItem', {
                date: formatDateTime(e.occurredAt),
                channel: t(`common:channels.${e.channel}`),
                decision: t(`common:decisions.${e.decision}`),
                label: e.noticeLabel,
              })}
            </li>
          ))}
      </ol>
      <button type="button" className="link" onClick={onForget}>
        {t('forget')}
      </button>
    </section>
  );
}
