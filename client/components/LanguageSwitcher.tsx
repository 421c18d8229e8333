import { useTranslation } from 'react-i18next';
import { isUiLanguage, UI_LANGUAGES } from '../../shared/languages.ts';
import { changeLanguage, currentLanguage } from '../i18n/index.ts';

export function LanguageSwitcher() {
  const { t } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language')}</span>
      <select
        value={currentLanguage()}
        onChange={(e) => {
          if (isUiLanguage(e.target.value)) void changeLanguage(e.target.value);
        }}
      >
        {UI_LANGUAGES.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {t(`languages.${lng}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
