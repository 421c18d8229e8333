import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, type Channel } from '../../../../shared/channels.ts';
import { isUiLanguage } from '../../../../shared/languages.ts';
import type { TUpdateCustomerInput } from '../../../../shared/schemas/portal.ts';
import { FieldError } from '../../../components/FieldError.tsx';
import { loadLanguageNames, matchesLanguage, outputLanguageOptions } from '../../../lib/languages-display.ts';

type Defaults = { name: string; ceoName: string; outputLanguage: string; channels: readonly Channel[]; contactEmail: string | null };

/** The customer account fields, shared by "new customer" and the setup screen. */
export function CustomerFields({ defaults, errors }: { defaults: Defaults; errors: Record<string, string> }) {
  const { t } = useTranslation(['portal', 'common']);
  return (
    <>
      <label className="field">
        <span>{t('customers.name')}</span>
        <input name="name" type="text" defaultValue={defaults.name} required aria-describedby="err-name" />
        <FieldError id="err-name" code={errors.name} />
      </label>
      <label className="field">
        <span>{t('customers.ceoName')}</span>
        <input name="ceoName" type="text" defaultValue={defaults.ceoName} required aria-describedby="err-ceo" />
        <FieldError id="err-ceo" code={errors.ceoName} />
      </label>
      <OutputLanguageField defaultValue={defaults.outputLanguage} error={errors.outputLanguage} />
      <fieldset className="field">
        <legend>{t('customers.channels')}</legend>
        {CHANNELS.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" name={`channel-${c}`} defaultChecked={defaults.channels.includes(c)} />{' '}
            {t(`common:channels.${c}`)}
          </label>
        ))}
        <FieldError id="err-channels" code={errors.channels} />
      </fieldset>
      <label className="field">
        <span>{t('customers.contactEmail')}</span>
        <input name="contactEmail" type="email" defaultValue={defaults.contactEmail ?? ''} aria-describedby="err-contact" />
        <FieldError id="err-contact" code={errors.contactEmail} />
      </label>
    </>
  );
}

/**
 * The output language: every ISO 639-1 language by its native name and its name in the UI language, with a search
 * box that narrows the list by either name or the code (the chosen language always stays in the list).
 */
function OutputLanguageField({ defaultValue, error }: { defaultValue: string; error: string | undefined }) {
  const { t, i18n } = useTranslation('portal');
  const uiLanguage = isUiLanguage(i18n.language) ? i18n.language : 'en';
  const names = useQuery({ queryKey: ['language-names', uiLanguage], queryFn: () => loadLanguageNames(uiLanguage), staleTime: Infinity });
  const options = useMemo(() => outputLanguageOptions(uiLanguage, names.data), [uiLanguage, names.data]);
  const [value, setValue] = useState(defaultValue);
  const [query, setQuery] = useState('');
  const shown = options.filter((o) => o.code === value || matchesLanguage(o, query));
  const searchId = useId();
  const countId = useId();
  return (
    <div className="field">
      <label htmlFor={searchId}>
        <span>{t('customers.languageSearch')}</span>
      </label>
      <input
        id={searchId}
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
        aria-describedby={countId}
      />
      <p id={countId} className="muted" aria-live="polite">
        {t('customers.languageMatches', { count: shown.length })}
      </p>
      <label className="field">
        <span>{t('customers.outputLanguage')}</span>
        <select name="outputLanguage" value={value} onChange={(e) => setValue(e.target.value)} aria-describedby="err-lang">
          {shown.map((o) => (
            <option key={o.code} value={o.code}>
              {o.label}
            </option>
          ))}
        </select>
        <FieldError id="err-lang" code={error} />
      </label>
    </div>
  );
}

/** Reads the fields above back from their form. */
export function readCustomerFields(form: FormData): TUpdateCustomerInput {
  const contact = String(form.get('contactEmail') ?? '').trim();
  return {
    name: String(form.get('name') ?? ''),
    ceoName: String(form.get('ceoName') ?? ''),
    outputLanguage: String(form.get('outputLanguage') ?? ''),
    channels: CHANNELS.filter((c) => form.get(`channel-${c}`) === 'on'),
    contactEmail: contact === '' ? null : contact,
  };
}
