import 'i18next';
import type common from './locales/en/common.json';
import type emails from './locales/en/emails.json';
import type enroll from './locales/en/enroll.json';
import type manage from './locales/en/manage.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: { common: typeof common; emails: typeof emails; enroll: typeof enroll; manage: typeof manage };
  }
}
