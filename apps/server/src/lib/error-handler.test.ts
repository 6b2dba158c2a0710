import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler, toErrorResponse } from './error-handler.js';
import { appError } from './errors.js';

describe('toErrorResponse', () => {
  it('keeps a catalogued error with its status, code and details', () => {
    const { status, body } = toErrorResponse(
      appError('CONFLICT', 'record.changedMeanwhile', [{ path: '/v', message: 'detail.versionRequired' }]),
    );
    expect(status).toBe(409);
    expect(body).toEqual({
      error: {
        code: 'CONFLICT',
        message: 'The record was changed meanwhile; reload it and try again',
        details: [{ path: '/v', message: 'the version you edited is required' }],
      },
    });
  });

  it('hides the message and stack of unexpected errors', () => {
    const { status, body } = toErrorResponse(new TypeError('secret internals at /srv/app.js:12'));
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } });
  });

  it('does not trust a code property that is not in the catalogue', () => {
    const forged = Object.assign(new Error('x'), { code: 'toString', statusCode: 200 });
    expect(toErrorResponse(forged).status).toBe(500);
  });

  it('answers a query that ran past its maxTimeMS with 503 QUERY_TIMEOUT', () => {
    const slow = Object.assign(new Error('operation exceeded time limit'), {
      code: 50,
      codeName: 'MaxTimeMSExpired',
    });
    expect(toErrorResponse(slow)).toEqual({
      status: 503,
      body: {
        error: {
          code: 'QUERY_TIMEOUT',
          message: 'The query took longer than allowed; narrow it with filters and try again',
        },
      },
    });
  });

  it('answers a duplicate key nobody translated with 409, naming the keys but not their values', () => {
    const raced = Object.assign(
      new Error('E11000 duplicate key error collection: x.apps index: ws_1_key_1'),
      {
        code: 11000,
        keyPattern: { ws: 1, key: 1 },
        keyValue: { ws: 'abc', key: 'crm' },
      },
    );
    expect(toErrorResponse(raced)).toEqual({
      status: 409,
      body: {
        error: {
          code: 'CONFLICT',
          message: 'Something with the same key already exists',
          details: [{ path: '/key', message: 'is taken' }],
        },
      },
    });
  });
});

describe('error handler on a Fastify app', () => {
  async function app() {
    const instance = Fastify({
      logger: false,
      ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false } },
    });
    installErrorHandler(instance);
    instance.post(
      '/things',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: { name: { type: 'string', maxLength: 5 }, count: { type: 'integer' } },
          },
        },
      },
      async () => ({ ok: true }),
    );
    instance.get('/boom', async () => {
      throw new Error('database password is hunter2');
    });
    return instance;
  }

  it('turns schema validation errors into VALIDATION_FAILED with JSON-pointer details', async () => {
    const res = await (await app()).inject({
      method: 'POST',
      url: '/things',
      payload: { count: 'many', extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const paths = body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['/count', '/extra', '/name']);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await (await app()).inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
    });
  });

  it('never leaks a stack trace', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
  });
});
