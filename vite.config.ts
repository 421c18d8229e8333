import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { DEFAULT_UI_LANGUAGE, UI_LANGUAGES } from './shared/languages.ts';

/** Each locale file is its own chunk, named by language, so the service worker can precache only the default. */
const localeOf = (id: string | null) => /\/i18n\/locales\/([a-z]{2})\//.exec(id ?? '')?.[1];

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      // Never reload on its own: an update mid-form would lose an employee's answers. See client/pwa/ReloadPrompt.tsx.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'PanOps — your consent',
        short_name: 'PanOps',
        description: 'Choose, channel by channel, whether PanOps may use your work communications.',
        theme_color: '#1d3b6f',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/manage',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // App shell only: other languages load on demand, API traffic always goes to the network.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        globIgnores: UI_LANGUAGES.filter((l) => l !== DEFAULT_UI_LANGUAGE).map((l) => `**/locale-${l}-*.js`),
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/trpc\//, /^\/api\//, /^\/healthz/],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    // Every browser the PWA supports understands <link rel=modulepreload>; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      // @trpc/client declares no `sideEffects`, so every link it re-exports (the WebSocket client among them) stayed
      // in the employee app's bundle although only httpLink is used; its modules only define things.
      treeshake: { moduleSideEffects: (id) => (/\/node_modules\/@trpc\/client\//.test(id) ? false : undefined) },
      output: {
        chunkFileNames: (chunk) => {
          const locale = localeOf(chunk.facadeModuleId);
          return locale ? `assets/locale-${locale}-[name]-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
    },
  },
});
