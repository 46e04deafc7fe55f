import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const backend = process.env.KEFU_DEV_BACKEND ?? 'http://127.0.0.1:8080';

// Workspace packages resolve to their TypeScript sources (the "source" export condition).
export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // antd + react in one long-cached vendor chunk; echarts stays in the dashboard's lazy chunk.
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom)\//.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
      '/widget': { target: backend },
    },
  },
});
