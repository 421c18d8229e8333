import 'i18next';
import type admin from './locales/en/admin.json';
import type apikeys from './locales/en/apikeys.json';
import type archive from './locales/en/archive.json';
import type checks from './locales/en/checks.json';
import type common from './locales/en/common.json';
import type emails from './locales/en/emails.json';
import type enroll from './locales/en/enroll.json';
import type insights from './locales/en/insights.json';
import type links from './locales/en/links.json';
import type manage from './locales/en/manage.json';
import type onboarding from './locales/en/onboarding.json';
import type portal from './locales/en/portal.json';
import type roster from './locales/en/roster.json';
import type signal from './locales/en/signal.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: {
      admin: typeof admin;
      apikeys: typeof apikeys;
      archive: typeof archive;
      checks: typeof checks;
      common: typeof common;
      emails: typeof emails;
      enroll: typeof enroll;
      insights: typeof insights;
      links: typeof links;
      manage: typeof manage;
      onboarding: typeof onboarding;
      portal: typeof portal;
      roster: typeof roster;
      signal: typeof signal;
    };
  }
}
