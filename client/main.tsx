/**
 * Entry: picks the app for the path. The employee consent app (/enroll, /manage) is small enough for a phone on a
 * weak connection; the portal (operator, admin, CEO) loads its router and query cache only when it is used.
 */
import { initI18n } from './i18n/index.ts';
import { matchEmployeeRoute } from './employee/router.tsx';
import './styles.css';

// Two separate import() statements: in one conditional expression Vite would preload both apps' chunks.
function loadApp() {
  if (matchEmployeeRoute(window.location.pathname).name !== 'other') return import('./employee/boot.tsx');
  return import('./portal/boot.tsx');
}

const [app] = await Promise.all([loadApp(), initI18n()]);
app.mount(document.getElementById('root')!);
