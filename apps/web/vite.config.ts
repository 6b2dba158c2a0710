import { readFile } from 'node:fs/promises';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { type TextsPart, textsPart } from './src/i18n/text-parts';

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

const TEXTS_PART = /^(.+\.json)\?part=(core|rest)$/;
const TEXTS_PREFIX = '\0formloom-texts:';

/** `<language>.json?part=core|rest`: one part of a language file's UI texts (src/i18n/text-parts.ts). */
function textsParts(): Plugin {
  return {
    name: 'formloom:texts-parts',
    enforce: 'pre',
    async resolveId(source, importer) {
      const match = TEXTS_PART.exec(source);
      if (!match?.[1]) return null;
      const file = await this.resolve(match[1], importer, { skipSelf: true });
      return file ? `${TEXTS_PREFIX}${file.id}?${match[2]}` : null;
    },
    async load(id) {
      if (!id.startsWith(TEXTS_PREFIX)) return null;
      const [file = '', part] = id.slice(TEXTS_PREFIX.length).split('?');
      this.addWatchFile(file);
      const texts = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      return `export default ${JSON.stringify(textsPart(texts, part as TextsPart))};`;
    },
  };
}

// `source` first so workspace packages (formula, schema, ...) bundle from their src/ without a build.
export default defineConfig({
  plugins: [react(), formProviderOnly(), textsParts()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/socket.io': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
});
