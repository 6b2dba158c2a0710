import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const apiTarget = process.env.FORMLOOM_API_URL ?? 'http://localhost:3000';

/**
 * antd's form context (imported by every input for its status) takes only `FormProvider` from
 * `@rc-component/form`, whose index attaches Field, List and useForm to its default export as a side
 * effect, so the whole form store and its async validator (~13 KB gzipped) came with any input. The
 * provider comes from its own module (the same module the full index re-exports, so one context).
 */
function formProviderOnly(): Plugin {
  return {
    name: 'formloom:rc-form-provider-only',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (
        source !== '@rc-component/form' ||
        !importer?.replaceAll('\\', '/').endsWith('/antd/es/form/context.js')
      ) {
        return null;
      }
      const index = await this.resolve(source, importer, { skipSelf: true });
      return index ? index.id.replace(/index\.js$/, 'FormContext.js') : null;
    },
  };
}

// `source` first so workspace packages (formula, schema, ...) bundle from their src/ without a build.
export default defineConfig({
  plugins: [react(), formProviderOnly()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/socket.io': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
});
