/** Sign-in session, customers and their logins (onboarding portal step 1 and CEO access). */
import { z } from 'zod';
import { CHANNELS } from '../channels.ts';
import { V } from '../errors.ts';
import { isIso6391 } from '../iso-639-1.ts';
import { ZChannel, ZDisplayName, ZEmail, zLine, ZUiLanguage } from './common.ts';

export const USER_ROLE_VALUES = ['operator', 'admin', 'ceo'] as const;
export const ZUserRole = z.enum(USER_ROLE_VALUES);
export type TUserRole = z.infer<typeof ZUserRole>;

/** Where each role lands after sign-in. */
export const HOME_PATH: Record<TUserRole, string> = {
  operator: '/portal',
  admin: '/admin',
  ceo: '/signal',
};

export const ZMe = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZUserRole,
  customerId: z.uuid().nullable(),
  customerName: z.string().nullable(),
  /** The customer's output language (admins and CEOs); the UI follows it unless the user chose their own. */
  outputLanguage: z.string().nullable(),
  language: z.string().nullable(),
  activeCustomerId: z.uuid().nullable(),
  homePath: z.string(),
});
export type TMe = z.infer<typeof ZMe>;

export const ZSelectCustomerInput = z.object({ customerId: z.uuid({ error: V.invalid }).nullable() });
export const ZSetLanguageInput = z.object({ language: ZUiLanguage.nullable() });

export const ZOutputLanguage = zLine({ trim: true })
  .toLowerCase()
  .refine(isIso6391, { error: V.language });

export const ZCustomerName = zLine({ trim: true }).min(1, { error: V.required }).max(200, { error: V.tooLong });

export const ZCreateCustomerInput = z.object({
  name: ZCustomerName,
  ceoName: ZDisplayName,
  outputLanguage: ZOutputLanguage,
  channels: z.array(ZChannel).min(1, { error: V.required }).default([...CHANNELS]),
  contactEmail: ZEmail.nullable().default(null),
  /** Client-generated: a retried create returns the customer made by the first attempt. */
  requestId: z.uuid({ error: V.invalid }),
});
export type TCreateCustomerInput = z.input<typeof ZCreateCustomerInput>;

export const ZUpdateCustomerInput = ZCreateCustomerInput.omit({ requestId: true, channels: true }).extend({
  channels: z.array(ZChannel).min(1, { error: V.required }),
});

export const ZCustomerSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  ceoName: z.string(),
  outputLanguage: z.string(),
  createdAt: z.string(),
});
export const ZCustomerList = z.array(ZCustomerSummary);

export const ZCustomer = ZCustomerSummary.extend({
  channels: z.array(ZChannel),
  contactEmail: z.string().nullable(),
});

export const ZInviteUserInput = z.object({
  email: ZEmail,
  name: ZDisplayName,
  role: z.enum(['admin', 'ceo']),
  language: ZUiLanguage.nullable().default(null),
});

export const ZCustomerUser = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZUserRole,
  invitedAt: z.string(),
});
export const ZCustomerUsers = z.array(ZCustomerUser);

export const ZAuditEntry = z.object({
  id: z.uuid(),
  actorEmail: z.string(),
  actorRole: ZUserRole,
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  occurredAt: z.string(),
});
export const ZAuditList = z.array(ZAuditEntry);
export const ZAuditQuery = z.object({ limit: z.number().int().min(1).max(500).default(100) });
export type TUpdateCustomerInput = z.input<typeof ZUpdateCustomerInput>;
