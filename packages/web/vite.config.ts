import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// During `npm run dev` the API runs separately (`npx shoebox serve`); in production the server serves dist/.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': 'http://127.0.0.1:2283' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
