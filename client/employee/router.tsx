/**
 * The employee app has two screens, so it routes with the History API directly rather than loading a router
 * library on the phone (see docs/decisions/0004-employee-app-bundle.md).
 */
import { useSyncExternalStore, type AnchorHTMLAttributes } from 'react';

const subscribe = (listener: () => void) => {
  window.addEventListener('popstate', listener);
  return () => window.removeEventListener('popstate', listener);
};

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(href: string) {
  window.history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export type EmployeeRoute = { name: 'enroll'; token: string } | { name: 'manage' } | { name: 'other' };

export function matchEmployeeRoute(pathname: string): EmployeeRoute {
  const enroll = /^\/enroll\/([^/]+)\/?$/.exec(pathname);
  if (enroll) return { name: 'enroll', token: decodeURIComponent(enroll[1]!) };
  if (/^\/manage\/?$/.test(pathname)) return { name: 'manage' };
  return { name: 'other' };
}

export function Link({ href, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}
