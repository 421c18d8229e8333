import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The baseline for the bundle-size benchmark: a bare React hello world, built with the app's Vite and build options. */
export default defineConfig({ root: import.meta.dirname, plugins: [react()], logLevel: 'warn', build: { outDir: '../.out/hello-react', emptyOutDir: true, modulePreload: { polyfill: false } } });
