import { useTranslation } from 'react-i18next';
import { isUiLanguage, UI_LANGUAGES, uiLanguageName, type UiLanguage } from '../../shared/languages.ts';
import { changeLanguage, currentLanguage } from '../i18n/index.ts';

/** `onChoose` lets a signed-in page also remember the choice for the account (the device remembers it anyway). */
export function LanguageSwitcher({ onChoose }: { onChoose?: (lng: UiLanguage) => void }) {
  const { t } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language')}</span>
      <select
        value={currentLanguage()}
        onChange={(e) => {
          const lng = e.target.value;
          if (!isUiLanguage(lng)) return;
          void changeLanguage(lng);
          onChoose?.(lng);
        }}
      >
        {UI_LANGUAGES.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {uiLanguageName(lng)}
          </option>
        ))}
      </select>
    </label>
  );
}
