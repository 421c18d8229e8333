import { useTranslation } from 'react-i18next';

/** A validation message under a field; `code` is an i18n key from shared/errors.ts (V). */
export function FieldError({ id, code }: { id: string; code: string | undefined }) {
  const { t } = useTranslation();
  if (!code) return null;
  return (
    <span id={id} className="field-error">
      {t(code as 'validation.required')}
    </span>
  );
}
