/** Platform usernames an employee can confirm or correct, besides email and display name. */
export const PLATFORM_ID_FIELDS = ['slack', 'teams', 'zoom', 'phone'] as const;
export type PlatformIdField = (typeof PLATFORM_ID_FIELDS)[number];
