/**
 * Domain error codes shared by server and client. The server maps each to a tRPC code in one place
 * (server/errors.ts); the client shows `t('errors.<code>')`, so every message a user sees is localized.
 */
export const APP_ERROR_CODES = [
  'INVALID_INPUT',
  'LINK_INVALID',
  'LINK_EXPIRED',
  'LINK_USED',
  'MANAGE_LINK_INVALID',
  'CHANNELS_MISMATCH',
  'NOTICE_MISMATCH',
  'IDEMPOTENCY_CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NO_CUSTOMER_SELECTED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'ALREADY_DECIDED',
  'EMAIL_TAKEN',
  'IMPORT_INVALID',
  'IMPORT_TOO_LARGE',
  'IMPORT_NOT_READY',
  'EMAIL_FAILED',
  'NO_RECIPIENT',
  'SESSION_DATE_MISSING',
  'SESSION_NOT_STARTED',
  'SESSION_CLOSED',
  /** Starting or closing the session while the checklist is not ready needs a recorded reason. */
  'CHECKLIST_NOT_READY',
  'NOT_SAVED',
  /** The database is out of reach (or the server is overloaded or shutting down): nothing was done; try again. */
  'UNAVAILABLE',
  'TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'INTERNAL',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** Validation messages in shared schemas are i18n keys under `validation.`; the client translates them. */
export const V = {
  required: 'validation.required',
  email: 'validation.email',
  tooLong: 'validation.tooLong',
  acknowledge: 'validation.acknowledge',
  chooseEveryChannel: 'validation.chooseEveryChannel',
  phone: 'validation.phone',
  invalid: 'validation.invalid',
  language: 'validation.language',
  characters: 'validation.characters',
} as const;
