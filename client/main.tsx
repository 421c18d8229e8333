/**
 * Entry: picks the app for the path. The employee consent app (/enroll, /manage) is small enough for a phone on a
 * weak connection; the portal (operator, admin, CEO) loads its router and query cache only when it is used.
 */
import { initI18n } from './i18n/index.ts';
import { matchEmployeeRoute } from './employee/router.tsx';
import './styles.css';

const isEmployeeScreen = matchEmployeeRoute(window.location.pathname).name !== 'other';
const [app] = await Promise.all([
  isEmployeeScreen ? import('./employee/boot.tsx') : import('./portal/boot.tsx'),
  initI18n(),
]);
app.mount(document.getElementById('root')!);
