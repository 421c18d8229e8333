import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { registerLocaleLoaders } from '../i18n/index.ts';
import { Layout } from './Layout.tsx';
import { RequireRole } from './RequireRole.tsx';
import { queryClient, trpcClient, TRPCProvider } from './trpc.ts';

/** `page(() => import(...), 'Name')`: a lazily loaded screen, one chunk per module. */
const page =
  <M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): RouteObject['lazy'] =>
  async () => ({ Component: (await load())[name] as React.ComponentType });

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', lazy: page(() => import('./Home.tsx'), 'Home') },
      { path: '/login', lazy: page(() => import('./pages/auth/Login.tsx'), 'Login') },
      { path: '/forgot-password', lazy: page(() => import('./pages/auth/ForgotPassword.tsx'), 'ForgotPassword') },
      { path: '/reset-password', lazy: page(() => import('./pages/auth/ResetPassword.tsx'), 'ResetPassword') },
      { path: '/unlock', lazy: page(() => import('./pages/auth/Unlock.tsx'), 'Unlock') },
      {
        element: <RequireRole capability="customers" />,
        children: [{ path: '/portal', lazy: page(() => import('./pages/customers/CustomersPage.tsx'), 'CustomersPage') }],
      },
      {
        element: <RequireRole capability="onboarding" needsCustomer />,
        children: [
          { path: '/portal/setup', lazy: page(() => import('./pages/setup/SetupPage.tsx'), 'SetupPage') },
          { path: '/portal/checklist', lazy: page(() => import('./pages/onboarding/ChecklistPage.tsx'), 'ChecklistPage') },
          { path: '/portal/session', lazy: page(() => import('./pages/onboarding/SessionPage.tsx'), 'SessionPage') },
          { path: '/portal/roster', lazy: page(() => import('./pages/roster/RosterPage.tsx'), 'RosterPage') },
          { path: '/portal/links', lazy: page(() => import('./pages/links/LinksPage.tsx'), 'LinksPage') },
          { path: '/portal/links/qr', lazy: page(() => import('./pages/links/QrSheetPage.tsx'), 'QrSheetPage') },
          { path: '/portal/outbox', lazy: page(() => import('./pages/links/OutboxPage.tsx'), 'OutboxPage') },
        ],
      },
      {
        element: <RequireRole capability="adminPanel" needsCustomer />,
        children: [
          { path: '/admin', lazy: page(() => import('./pages/admin/EnrollmentPage.tsx'), 'EnrollmentPage') },
          { path: '/admin/people', lazy: page(() => import('./pages/admin/PeoplePage.tsx'), 'PeoplePage') },
          { path: '/admin/corrections', lazy: page(() => import('./pages/admin/CorrectionsPage.tsx'), 'CorrectionsPage') },
          { path: '/admin/checks', lazy: page(() => import('./pages/admin/ChecksPage.tsx'), 'ChecksPage') },
          { path: '/admin/audit', lazy: page(() => import('./pages/audit/AuditPage.tsx'), 'AuditPage') },
        ],
      },
      {
        element: <RequireRole capability="apiKeys" needsCustomer />,
        children: [{ path: '/admin/api-keys', lazy: page(() => import('./pages/apikeys/ApiKeysPage.tsx'), 'ApiKeysPage') }],
      },
      {
        element: <RequireRole capability="signal" />,
        children: [
          { path: '/signal', lazy: page(() => import('./pages/signal/SignalHome.tsx'), 'SignalHome') },
          { path: '/signal/ask', lazy: page(() => import('./pages/signal/SignalChat.tsx'), 'SignalChat') },
          { path: '/signal/sessions/:sessionId', lazy: page(() => import('./pages/signal/SignalChat.tsx'), 'SignalChat') },
        ],
      },
      {
        element: <RequireRole capability="archive" />,
        children: [
          { path: '/archive', lazy: page(() => import('./pages/archive/ArchivePage.tsx'), 'ArchivePage') },
          { path: '/archive/:sessionId', lazy: page(() => import('./pages/archive/ArchiveSession.tsx'), 'ArchiveSession') },
        ],
      },
      { path: '*', lazy: page(() => import('./NotFound.tsx'), 'NotFound') },
    ],
  },
]);

const ReloadPrompt = lazy(() => import('../pwa/ReloadPrompt.tsx'));

// The portal's own namespaces (the employee app's are known from the start).
registerLocaleLoaders(import.meta.glob('../i18n/locales/*/*.json'));

export function mount(root: HTMLElement) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <Suspense fallback={null}>
            <RouterProvider router={router} />
            {import.meta.env.PROD && <ReloadPrompt />}
          </Suspense>
        </TRPCProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
