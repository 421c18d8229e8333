import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { EmployeeApp } from './EmployeeApp.tsx';

const ReloadPrompt = lazy(() => import('../pwa/ReloadPrompt.tsx'));

export function mount(root: HTMLElement) {
  createRoot(root).render(
    <StrictMode>
      <Suspense fallback={null}>
        <EmployeeApp />
        {import.meta.env.PROD && <ReloadPrompt />}
      </Suspense>
    </StrictMode>,
  );
}
