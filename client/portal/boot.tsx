import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './Layout.tsx';
import { queryClient, trpcClient, TRPCProvider } from './trpc.ts';

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', lazy: async () => ({ Component: (await import('./Home.tsx')).Home }) },
      { path: '*', lazy: async () => ({ Component: (await import('./NotFound.tsx')).NotFound }) },
    ],
  },
]);

const ReloadPrompt = lazy(() => import('../pwa/ReloadPrompt.tsx'));

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
