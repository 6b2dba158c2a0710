import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, t } from '../../lib/errors.js';
import { callerOf, parseId } from '../apps/caller.js';
import { recordAudit } from '../audit/service.js';
import { openForm } from '../records/context.js';
import { contentDisposition, findDownload } from './download.js';
import { ensureFileIndexes } from './model.js';
import { sweepFiles } from './sweep.js';
import { storeUpload, uploadSpec } from './upload.js';

const FormParams = Type.Object({ ws: Type.String(), form: Type.String() });
const FileParams = Type.Object({
  ws: Type.String(),
  form: Type.String(),
  id: Type.String(),
  file: Type.String(),
});
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Errors of @fastify/multipart (limits, malformed bodies) as the catalogue's errors. */
function multipartError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return appError('PAYLOAD_TOO_LARGE', t('file.tooLarge', { max: maxBytes }));
  }
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return appError('VALIDATION_FAILED', 'file.oneFile', [{ path: '/file', message: 'detail.oneFile' }]);
  }
  if (error instanceof Error && /terminated early|Unexpected end|Malformed|boundary/i.test(error.message)) {
    return appError('VALIDATION_FAILED', 'file.malformed');
  }
  return error;
}

/**
 * Attachments in GridFS: upload a file for a field of a form (it stays the uploader's until a record
 * write references it), and download it through a record the caller may view.
 */
export async function fileRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  // Registered here, so only these routes accept multipart bodies; sizes are set per request.
  await app.register(multipart, { limits: { files: 1, parts: 4, fields: 3, fieldSize: 1024 } });

  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await ensureFileIndexes(connection);
    timer = setInterval(() => {
      sweepFiles(connection).catch((error: unknown) =>
        app.log.warn({ err: error }, 'sweeping unattached files failed'),
      );
    }, SWEEP_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));

  const target = (request: { params: { form: string } } & FastifyRequest) =>
    openForm(connection, callerOf(request), parseId(request.params.form, 'Form'));

  app.post(
    '/workspaces/:ws/forms/:form/files',
    {
      schema: {
        tags: ['files'],
        summary: 'Upload one file (multipart/form-data) for an attachment, image or signature field',
        consumes: ['multipart/form-data'],
        params: FormParams,
        querystring: Type.Object(
          { field: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const form = await target(request);
      const spec = uploadSpec(form, request.query.field, app.config.fileMaxBytes);
      if (!request.isMultipart()) {
        throw appError('VALIDATION_FAILED', 'file.notMultipart', [
          { path: '/file', message: 'detail.required' },
        ]);
      }
      let part: Awaited<ReturnType<typeof request.file>>;
      try {
        part = await request.file({ limits: { fileSize: spec.maxBytes } });
      } catch (error) {
        // Nothing is stored yet: whatever the parser refuses here (no boundary, a broken header) is the body's fault.
        const mapped = multipartError(error, spec.maxBytes);
        throw mapped === error ? appError('VALIDATION_FAILED', 'file.malformed') : mapped;
      }
      try {
        if (!part) {
          throw appError('VALIDATION_FAILED', 'file.missing', [
            { path: '/file', message: 'detail.required' },
          ]);
        }
        return reply.status(201).send(await storeUpload(form, spec, part));
      } catch (error) {
        throw multipartError(error, spec.maxBytes);
      }
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form/records/:id/files/:file',
    {
      // A HEAD would run the handler (audit entry, opened stream) for nothing.
      exposeHeadRoute: false,
      schema: {
        tags: ['files'],
        summary: 'Download a file of a record the caller may view',
        params: FileParams,
      },
    },
    async (request, reply) => {
      const form = await target(request);
      const found = await findDownload(
        form,
        parseId(request.params.id, 'Record'),
        parseId(request.params.file, 'File'),
      );
      const { doc } = found;
      // Downloads are audited like exports: they take data out of the system.
      await recordAudit(connection, request, {
        ws: form.caller.ws,
        action: 'files.downloaded',
        target: { kind: 'file', id: doc._id.toHexString() },
        details: {
          form: form.form.key,
          record: found.record.toHexString(),
          field: found.field,
          size: doc.length,
        },
      });
      const inline = doc.metadata.mime.startsWith('image/');
      return reply
        .header('content-type', doc.metadata.mime)
        .header('content-length', String(doc.length))
        .header('content-disposition', contentDisposition(doc.filename, inline))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(found.open());
    },
  );
}
