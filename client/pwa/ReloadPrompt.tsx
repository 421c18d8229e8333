/**
 * Offers a new app version; never reloads on its own. While a consent submission is in flight the Reload button is
 * held back, so an update can never interrupt a half-recorded decision.
 */
import { useTranslation } from 'react-i18next';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { useSubmissionInFlight } from '../employee/api.ts';

const HOURLY = 60 * 60 * 1000;

export default function ReloadPrompt() {
  const { t } = useTranslation();
  const submitting = useSubmissionInFlight();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine && !registration.installing) void registration.update().catch(() => {});
      }, HOURLY);
      void url;
    },
  });
  if (!needRefresh) return null;
  return (
    <div className="toast" role="status">
      <p>{t('pwa.updateReady')}</p>
      <div className="row">
        <button type="button" disabled={submitting} onClick={() => void updateServiceWorker(true)}>
          {t('actions.reload')}
        </button>
        <button type="button" className="secondary" onClick={() => setNeedRefresh(false)} title={t('pwa.updateLater')}>
          {t('actions.dismiss')}
        </button>
      </div>
    </div>
  );
}
