import { useTranslation } from 'react-i18next';
import { CHANNELS, type Channel } from '../../../../shared/channels.ts';
import type { TUpdateCustomerInput } from '../../../../shared/schemas/portal.ts';
import { FieldError } from '../../../components/FieldError.tsx';
import { outputLanguageOptions } from '../../../lib/languages-display.ts';

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
      <label className="field">
        <span>{t('customers.outputLanguage')}</span>
        <select name="outputLanguage" defaultValue={defaults.outputLanguage} aria-describedby="err-lang">
          {outputLanguageOptions().map((o) => (
            <option key={o.code} value={o.code}>
              {o.label}
            </option>
          ))}
        </select>
        <FieldError id="err-lang" code={errors.outputLanguage} />
      </label>
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
