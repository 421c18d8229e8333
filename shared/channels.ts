/** The communication channels an employee can allow or refuse, one decision each. */
export const CHANNELS = ['email', 'messaging', 'video', 'sms_voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONSENT_DECISIONS = ['grant', 'deny', 'withdraw'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/** Enrollment links are valid for seven days (seed 000, "Enrollment Link Generation"). */
export const ENROLLMENT_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
