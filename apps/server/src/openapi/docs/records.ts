import type { RouteDocs } from '../route-docs.js';
import {
  arrayOf,
  dateTime,
  id,
  int,
  label,
  nullable,
  object,
  open,
  page,
  recordView,
  str,
} from '../shapes.js';

// Records: writes, lists, history, comments, imports, saved views, exports and files.
const FORM = '6b119b803552c266f80e1053';
const USER = '6b119a5de91cffebc1f24fbe';
const REC = '6b119ab69a5895ad3e166b32';
const AT = '2026-12-03T08:00:00.000Z';
const record = {
  id: REC,
  form: FORM,
  formVersion: 1,
  data: {
    customer: 'ACME',
    items: [
      { sku: 'A-1', qty: 2, price: 3, line: 6 },
      { sku: 'B-7', qty: 1, price: 4.5, line: 4.5 },
    ],
    total: 10.5,
    no: 'Q-0001',
  },
  owner: USER,
  dept: null,
  createdBy: USER,
  createdAt: AT,
  updatedAt: AT,
  v: 1,
};
const error = object({ code: str, message: str, details: arrayOf(object({ path: str, message: str })) }, [
  'details',
]);
const batchResult = object(
  {
    index: int,
    ok: { type: 'boolean' },
    action: { enum: ['created', 'updated'] },
    record: recordView,
    status: int,
    error,
  },
  ['action', 'record', 'status', 'error'],
);
const batchAnswer = object({ results: arrayOf(batchResult), created: int, updated: int, failed: int });
const batchExample = {
  results: [
    { index: 0, ok: true, action: 'created', record },
    {
      index: 1,
      ok: false,
      status: 400,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Invalid record',
        details: [{ path: '/data/qty', message: 'must be >= 0' }],
      },
    },
  ],
  created: 1,
  updated: 0,
  failed: 1,
};
const comment = object({ id, author: id, text: str, mentions: arrayOf(id), createdAt: dateTime });
const commentExample = {
  id: '6b119b4f7ceeab0ab64ad16f',
  author: USER,
  text: '@[Lin Wei](6b119b4c7ceeab0ab64ad15d) please call them back',
  mentions: ['6b119b4c7ceeab0ab64ad15d'],
  createdAt: AT,
};
const importErrors = arrayOf(object({ row: int, details: arrayOf(object({ path: str, message: str })) }));
const importReport = object(
  {
    dryRun: { type: 'boolean' },
    total: int,
    valid: int,
    created: int,
    updated: int,
    skipped: int,
    errors: importErrors,
    jobId: str,
  },
  ['jobId'],
);
const view = object({ id, name: str, config: open, updatedAt: dateTime });
const viewExample = {
  id: '6b119b4e7ceeab0ab64ad16d',
  name: 'Big ones',
  config: {
    columns: ['customer', 'total'],
    filter: { field: 'total', op: 'gte', value: 20 },
    sort: '-total',
    q: null,
  },
  updatedAt: AT,
};
const viewBody = { name: 'Big ones', config: viewExample.config };
const job = object(
  {
    jobId: id,
    form: id,
    status: str,
    dryRun: { type: 'boolean' },
    mode: str,
    phase: str,
    total: int,
    done: int,
    created: int,
    updated: int,
    skipped: int,
    errorCount: int,
    errors: importErrors,
    error: nullable(open),
    undoable: { type: 'boolean' },
    undone: nullable(object({ at: dateTime, kept: int })),
    createdAt: dateTime,
    finishedAt: nullable(dateTime),
  },
  ['errors'],
);
const file = object({ id, name: str, size: int, mime: str });

export const recordDocs: RouteDocs = {
  'POST /workspaces/:ws/forms/:form/records': {
    body: { example: { data: { customer: 'ACME', items: [{ sku: 'A-1', qty: 2, price: 3 }] } } },
    responses: { 201: { description: 'Created, with computed values', schema: recordView, example: record } },
  },
  'GET /workspaces/:ws/forms/:form/records': {
    responses: {
      200: {
        description: 'A page of records',
        schema: page(recordView),
        example: { items: [record], nextCursor: null },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/records/batch': {
    body: {
      example: {
        records: [{ data: { customer: 'ACME' } }, { data: { customer: 'Globex' } }],
        mode: 'create',
        atomic: false,
      },
    },
    responses: {
      200: { description: 'One result per record, by index', schema: batchAnswer, example: batchExample },
    },
  },
  'PATCH /workspaces/:ws/forms/:form/records/batch': {
    body: { example: { records: [{ id: REC, v: 1, data: { customer: 'ACME Ltd' } }], atomic: true } },
    responses: {
      200: {
        description: 'One result per record, by index',
        schema: batchAnswer,
        example: {
          results: [{ index: 0, ok: true, action: 'updated', record: { ...record, v: 2 } }],
          created: 0,
          updated: 1,
          failed: 0,
        },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/export': {
    responses: {
      200: { description: 'The view as CSV (format=csv) or XLSX (format=xlsx)', contentType: 'text/csv' },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/:id': {
    responses: {
      200: { description: 'The record as the caller may see it', schema: recordView, example: record },
    },
  },
  'PATCH /workspaces/:ws/forms/:form/records/:id': {
    body: { example: { v: 1, data: { customer: 'ACME Ltd' } } },
    responses: { 200: { description: 'Changed', schema: recordView, example: { ...record, v: 2 } } },
  },
  'DELETE /workspaces/:ws/forms/:form/records/:id': {
    responses: {
      200: {
        description: 'Deleted (restorable)',
        schema: recordView,
        example: { ...record, v: 2, deletedAt: AT },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/records/:id/restore': {
    responses: { 200: { description: 'Restored', schema: recordView, example: { ...record, v: 3 } } },
  },
  'POST /workspaces/:ws/forms/:form/records/:id/comments': {
    body: { example: { text: '@[Lin Wei](6b119b4c7ceeab0ab64ad15d) please call them back' } },
    responses: {
      201: {
        description: 'Commented; mentioned members are notified',
        schema: comment,
        example: commentExample,
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/:id/comments': {
    responses: {
      200: { description: 'Comments, oldest first', schema: arrayOf(comment), example: [commentExample] },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/:id/history': {
    responses: {
      200: {
        description: 'Every version with field-level changes (fields hidden from the caller left out)',
        schema: arrayOf(
          object({
            v: int,
            action: str,
            by: nullable(id),
            at: dateTime,
            changes: arrayOf(object({ key: str, from: {}, to: {} }, ['from', 'to'])),
          }),
        ),
        example: [
          { v: 1, action: 'create', by: USER, at: AT, changes: [{ key: 'customer', to: 'ACME' }] },
          {
            v: 2,
            action: 'update',
            by: USER,
            at: AT,
            changes: [{ key: 'customer', from: 'ACME', to: 'ACME Ltd' }],
          },
        ],
      },
    },
  },
  'GET /workspaces/:ws/mentions': {
    responses: {
      200: {
        description: 'Comments that mention the caller, on records they may view',
        schema: arrayOf(object({ id, form: id, record: id, author: id, createdAt: dateTime, text: str })),
        example: [
          {
            id: commentExample.id,
            form: FORM,
            record: REC,
            author: USER,
            createdAt: AT,
            text: commentExample.text,
          },
        ],
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/records/import': {
    body: { example: { format: 'csv', content: 'customer,total\nACME,12\n', dryRun: true } },
    responses: {
      200: {
        description: 'What was (or with dryRun: would be) imported, and the bad rows',
        schema: importReport,
        example: {
          dryRun: true,
          total: 2,
          valid: 1,
          created: 0,
          updated: 0,
          skipped: 1,
          errors: [{ row: 3, details: [{ path: '/rows/3/total', message: 'must be number,null' }] }],
        },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/records/import/preview': {
    body: { example: { format: 'csv', content: 'Customer,Total\nACME,12\n' } },
    responses: {
      200: {
        description: "The file's columns, first rows, and the field each column would go into",
        schema: object({
          headers: arrayOf(str),
          sample: arrayOf({ type: 'object', additionalProperties: str }),
          total: int,
          guesses: { type: 'object', additionalProperties: str },
          fields: arrayOf(
            object({
              key: str,
              label,
              type: str,
              required: { type: 'boolean' },
              unique: { type: 'boolean' },
            }),
          ),
        }),
        example: {
          headers: ['Customer', 'Total'],
          sample: [{ Customer: 'ACME', Total: '12' }],
          total: 1,
          guesses: { Customer: 'customer', Total: 'total' },
          fields: [
            { key: 'customer', label: { en: 'Customer' }, type: 'text', required: true, unique: false },
          ],
        },
      },
    },
  },
  'POST /workspaces/:ws/imports/:job/undo': {
    responses: {
      200: {
        description: 'Taken back',
        schema: object({ undone: int, kept: int }),
        example: { undone: 4998, kept: 2 },
      },
    },
  },
  'GET /workspaces/:ws/imports/:job': {
    responses: {
      200: {
        description: 'Progress and result of a background import',
        schema: job,
        example: {
          jobId: '6b119b4e7ceeab0ab64ad170',
          form: FORM,
          status: 'running',
          dryRun: false,
          mode: 'skip',
          phase: 'writing',
          total: 5000,
          done: 2400,
          created: 2398,
          updated: 0,
          skipped: 2,
          errorCount: 2,
          error: null,
          undoable: false,
          undone: null,
          createdAt: AT,
          finishedAt: null,
        },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/views': {
    responses: {
      200: {
        description: "The caller's saved views of the form",
        schema: arrayOf(view),
        example: [viewExample],
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/views': {
    body: { example: viewBody },
    responses: { 201: { description: 'Saved', schema: view, example: viewExample } },
  },
  'PUT /workspaces/:ws/forms/:form/views/:view': {
    body: { example: viewBody },
    responses: { 200: { description: 'Saved', schema: view, example: viewExample } },
  },
  'DELETE /workspaces/:ws/forms/:form/views/:view': { responses: { 204: { description: 'Deleted' } } },
  'POST /workspaces/:ws/forms/:form/files': {
    responses: {
      201: {
        description: 'Stored; put the answer into a file or image field of a record within a day',
        schema: file,
        example: { id: '6b119ab69a5895ad3e166b2e', name: 'receipt.png', size: 48211, mime: 'image/png' },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/:id/files/:file': {
    responses: {
      200: { description: 'The file, with its stored content type', contentType: 'application/octet-stream' },
    },
  },
};
