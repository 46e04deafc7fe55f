import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// One build, two outputs in dist/: the loader as a stable `kefu.js` (shops paste its URL) and the
// iframe chat app (`app.html` + hashed assets). The loader imports nothing, so it stays one classic script.
export default defineConfig({
  base: '/widget/',
  // Workspace packages (@kefu/core's link guard) resolve to their TypeScript sources.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    rollupOptions: {
      // Core and contracts are pure modules: only what the widget imports (the link guard) is bundled.
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]packages[\\/](core|contracts)[\\/]/.test(id) },
      input: { app: resolve(here, 'app.html'), kefu: resolve(here, 'src/loader.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'kefu' ? 'kefu.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
