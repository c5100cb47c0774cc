import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// During `npm run dev` the API runs separately (`npx shoebox serve`); in production the server serves dist/.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': 'http://127.0.0.1:2283' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    rollupOptions: {
      onwarn(warning, warn) {
        // A missing package must fail the build, not ship a bundle that imports it from nowhere.
        if (warning.code === 'UNRESOLVED_IMPORT') throw new Error(warning.message);
        warn(warning);
      },
    },
  },
});
