import { cpSync } from 'node:fs';
import { resolve } from 'node:path';

import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

// One build for everything that ships: the Electron main process and the CLI share the
// `main` build (Node code, dependencies stay external so better-sqlite3 loads its native
// module), the preload script, and the renderer (also served by `serve --ui`).
// The numbered SQL migrations are read at run time from beside the bundle.
const copyMigrations = {
  name: 'copy-migrations',
  closeBundle() {
    cpSync(
      resolve(__dirname, 'electron/core/store/migrations'),
      resolve(__dirname, 'out/main/migrations'),
      {
        recursive: true,
      },
    );
  },
};

export default defineConfig({
  main: {
    plugins: [copyMigrations],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'electron/cli/index.ts'),
          // Worker threads are entries of their own, started by file (moduleWorker.ts).
          ruleExaminerWorker: resolve(
            __dirname,
            'electron/core/bundles/verify/ruleExaminerWorker.ts',
          ),
        },
        // Flat output: shared chunks sit beside the entries, so import.meta.url-relative
        // lookups (migrations/) give the same folder from every chunk.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // A sandboxed preload cannot `require` anything but 'electron': one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // The page is downloaded and parsed (by the headless server's browsers too): the
      // chart and graph libraries are several times smaller minified.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
