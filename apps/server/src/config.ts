import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CACHE_TTL_MS } from './lib/read-cache.js';
import { DEFAULT_ADDRESS_FAILURES } from './modules/auth/throttle.js';
import { templatesDir } from './modules/templates/catalogue.js';

/** Validated server configuration. Every field comes from one environment variable (see README). */
export interface Config {
  port: number;
  host: string;
  /** Directory of the embedded store (and generated secret) when `mongodbUri` is absent. */
  dataDir: string;
  /** A real MongoDB; when absent the embedded store runs in-process on `dataDir`. */
  mongodbUri: string | undefined;
  /** Signing secret for tokens; at least 32 characters. */
  secret: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Requests per minute per client address across the API. */
  rateLimitMax: number;
  /** Requests per second an API token's workspace may make (all its tokens together); 0: no limit. */
  tokenRateLimit: number;
  /**
   * Failed password checks (sign-ins, invitations accepted as an existing account) one address may make in
   * 15 minutes over all emails; successes never count, so a team behind one NAT address signs in.
   */
  loginAddressFailures: number;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  redisUrl: string | undefined;
  /** Largest accepted uploaded file in bytes (a field's own `maxSize` may only lower it). */
  fileMaxBytes: number;
  /**
   * Which proxies to believe about the client address (`X-Forwarded-For`): `false` (direct exposure,
   * the default), `true` (any), a hop count, or a comma-separated list of addresses/CIDRs. Login throttling
   * and rate limits key on that address, so believing a spoofable header would let clients evade them.
   */
  trustProxy: boolean | number | string;
  /**
   * How long (ms) an instance serves identities, memberships, app roles and published form definitions it
   * read, without reading them again. Writes on the same instance apply at once; writes on another instance
   * within this time (at once with `REDIS_URL`). 0 reads them on every request.
   */
  cacheTtlMs: number;
  /** Import the demo template with demo data on start. */
  demo: boolean;
  /** Volume of the demo data (1: the demo as described; fractions for quick trials). */
  demoScale: number;
  /** Directory of the template catalogue (`GET /templates`): `TEMPLATES_DIR`, else the repository's templates/. */
  templatesDir: string;
  /** SMTP server for e-mail notifications (`smtp://user:pass@host:587`); without it e-mails are skipped. */
  smtpUrl: string | undefined;
  /** Days an automation run stays in its run log. */
  automationRunTtlDays: number;
  /** Milliseconds a webhook delivery may take before it counts as failed (and is retried). */
  webhookTimeoutMs: number;
}

/** A configuration error names the variable and says what is wrong with it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function positive(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || !(value > 0) || value > max)
    throw new ConfigError(name, `must be a number above 0 and at most ${max}, got "${raw}"`);
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  throw new ConfigError(name, `must be 1/true/yes or 0/false/no, got "${env[name]}"`);
}

function url(env: Env, name: string, schemes: readonly string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const scheme = raw.split('://', 1)[0] ?? '';
  if (!raw.includes('://') || !schemes.includes(scheme)) {
    throw new ConfigError(name, `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`);
  }
  return raw;
}

function trustProxy(env: Env): boolean | number | string {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const lower = raw.toLowerCase();
  if (['0', 'false', 'no'].includes(lower)) return false;
  if (['true', 'yes'].includes(lower)) return true;
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part))) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be true, false, a hop count or a comma-separated list of addresses, got "${raw}"`,
    );
  }
  return parts.join(',');
}

/**
 * The secret signs session tokens. Without one the embedded setup generates it once and keeps it in the
 * data directory, so zero-setup runs survive restarts; a deployment on a real MongoDB (possibly many
 * instances) must share one explicitly.
 */
function secret(env: Env, dataDir: string, mongodbUri: string | undefined): string {
  const raw = env.SECRET;
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError('SECRET', `must be at least 32 characters, got ${raw.length}`);
    return raw;
  }
  if (mongodbUri)
    throw new ConfigError('SECRET', 'is required when MONGODB_URI is set (all instances share it)');
  const file = join(dataDir, '.secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const generated = randomBytes(32).toString('base64url');
    writeFileSync(file, generated, { mode: 0o600 });
    return generated;
  }
}

/** Reads and validates the configuration; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env, argv: readonly string[] = process.argv): Config {
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  const mongodbUri = url(env, 'MONGODB_URI', ['mongodb', 'mongodb+srv']);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const host = env.HOST?.trim() || '0.0.0.0';
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    dataDir,
    mongodbUri,
    secret: secret(env, dataDir, mongodbUri),
    logLevel,
    rateLimitMax: integer(env, 'RATE_LIMIT_MAX', 1000, 1, 1_000_000),
    tokenRateLimit: integer(env, 'TOKEN_RATE_LIMIT', 100, 0, 1_000_000),
    loginAddressFailures: integer(env, 'LOGIN_ADDRESS_FAILURES', DEFAULT_ADDRESS_FAILURES, 1, 1_000_000),
    bodyLimit: integer(env, 'BODY_LIMIT', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    redisUrl: url(env, 'REDIS_URL', ['redis', 'rediss']),
    fileMaxBytes: integer(env, 'FILE_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: trustProxy(env),
    cacheTtlMs: integer(env, 'CACHE_TTL_MS', DEFAULT_CACHE_TTL_MS, 0, 60_000),
    demo: flag(env, 'FORMLOOM_DEMO') || argv.includes('--demo'),
    demoScale: positive(env, 'FORMLOOM_DEMO_SCALE', 1, 1000),
    templatesDir: templatesDir(env),
    smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
    automationRunTtlDays: integer(env, 'AUTOMATION_RUN_TTL_DAYS', 30, 1, 3650),
    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}
