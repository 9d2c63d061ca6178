import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TYPES } from '@casekit/protocol';
import { Id } from '@casekit/protocol/schemas';
import { MAX_QUEUED_BYTES, normalizeOrigin } from '@casekit/server';
import { z } from 'zod';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The reference backend's settings, from the environment (see `loadConfig`). */
export interface Config {
  port: number;
  host: string;
  /** Folder of the SQLite file and the generated JWT secret. */
  dataDir: string;
  /** HS256 secret; generated and kept in `<dataDir>/jwt-secret` when not set. */
  jwtSecret: string | undefined;
  workspaceId: string;
  jwksUrl: string | undefined;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  /** Largest accepted JSON body, in bytes. */
  bodyLimit: number;
  /** Largest accepted upload, in bytes. */
  uploadLimit: number;
  /** What the server may hold back for one realtime socket that stopped reading before dropping it, in bytes. */
  realtimeQueueLimit: number;
  /** Media types accepted as uploads. */
  uploadTypes: string[];
  /**
   * The server's public base URL (origin and any mount path, without `/api/v1`): webhook URLs,
   * which signatures are checked against, and links to uploads are made from it.
   */
  publicUrl: string | undefined;
  /** Port of the SMTP listener that receives mail for email channels; undefined: none. */
  smtpPort: number | undefined;
  /** Origins of host pages allowed to call the API from a browser; `'*'` for any; empty for none. */
  corsOrigins: '*' | string[];
  /** Key channel secrets are encrypted with; generated and kept in `<dataDir>/secret-key` when not set. */
  secretKey: string | undefined;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For to believe for the client's address. */
  trustProxy: boolean | number | string[];
  logLevel: LogLevel;
  /** Where casekit keeps its data: `sqlite` (one file in the data directory) or `dynamodb` (several nodes). */
  storeKind: 'sqlite' | 'dynamodb';
  /** The DynamoDB table (docs/dynamodb.md): its name, and an endpoint for DynamoDB Local; credentials and region come from the usual `AWS_*` variables. */
  dynamodb: { tableName: string; endpoint: string | undefined };
  /** The Splynx to sync billing accounts and tickets with (docs/splynx.md); undefined: none. */
  splynx: SplynxConfig | undefined;
  /**
   * Redis shared by several server nodes of one store (docs/scaling.md): realtime fan-out,
   * limits and idempotency locks. Undefined: one process, all of it in memory.
   */
  redisUrl: string | undefined;
  /** How long a node keeps the outbox items and timers it claimed, in ms; a killed node's work waits this long for another. */
  leaseMs: number;
}

/** How to reach Splynx: its address and an API key (token auth), the hook secret, the pull interval. */
export interface SplynxConfig {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Secret of the Splynx hook; without it hooks are refused and changes wait for the next pull. */
  hookSecret: string | undefined;
  /** Seconds between incremental pulls; 0: only on demand. */
  syncIntervalSeconds: number;
}

/** A configuration mistake; the message names every variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "1mb", "512kb", "1048576" → bytes. */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) return null;
  const bytes = Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
  return bytes >= 1 ? bytes : null;
}

const optionalText = z.string().min(1).optional();

function size(fallback: number) {
  return z
    .string()
    .transform((text, ctx) => {
      const bytes = parseSize(text);
      if (bytes === null) {
        ctx.addIssue({ code: 'custom', message: 'must be a size such as 1mb, 512kb or a number of bytes' });
        return z.NEVER;
      }
      return bytes;
    })
    .default(fallback);
}

const LEASE_RULE = 'must be a whole number of milliseconds from 1000 to 3600000 (default 60000)';

const Env = z.object({
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
    .transform(Number)
    .pipe(z.number().int().max(65535, 'must be a whole number between 0 and 65535'))
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  CASEKIT_DATA_DIR: z.string().min(1).default('./data'),
  CASEKIT_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (or leave it unset to generate one)').optional(),
  CASEKIT_WORKSPACE_ID: Id.default('demo'),
  CASEKIT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JWKS document' }).optional(),
  CASEKIT_JWT_ISSUER: optionalText,
  CASEKIT_JWT_AUDIENCE: optionalText,
  CASEKIT_BODY_LIMIT: size(1024 * 1024),
  CASEKIT_UPLOAD_LIMIT: size(DEFAULT_UPLOAD_MAX_BYTES),
  CASEKIT_REALTIME_QUEUE_LIMIT: size(MAX_QUEUED_BYTES),
  CASEKIT_UPLOAD_TYPES: z
    .string()
    .transform((text) => text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'must be media types separated by commas, e.g. image/png,application/pdf')).min(1))
    .default([...DEFAULT_UPLOAD_TYPES]),
  CASEKIT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) URL the server is reached at, e.g. https://support.example.com' })
    // Without `/api/v1`; a value written with it (as older versions asked) still works.
    .transform((url) => url.replace(/\/+$/, '').replace(/\/api\/v1$/, ''))
    .optional(),
  CASEKIT_SMTP_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
    .transform(Number)
    .pipe(z.number().int().max(65535, 'must be a whole number between 0 and 65535'))
    .optional(),
  CASEKIT_CORS_ORIGINS: z
    .string()
    .transform((text, ctx): '*' | string[] => {
      if (text === '*') return '*';
      const origins: string[] = [];
      for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
        const origin = normalizeOrigin(part);
        if (origin === null) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not an origin; list origins such as https://www.example.com, separated by commas, or *` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    })
    .default([]),
  CASEKIT_TRUST_PROXY: z
    .string()
    .transform((text, ctx): boolean | number | string[] => {
      if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
      if (/^\d+$/.test(text)) return Number(text);
      const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
      const bad = parts.find((p) => !['loopback', 'linklocal', 'uniquelocal'].includes(p) && isIP(p.split('/')[0] ?? '') === 0);
      if (bad !== undefined || parts.length === 0) {
        ctx.addIssue({ code: 'custom', message: `must be true, a number of proxies, or addresses/subnets such as loopback,10.0.0.0/8 (got "${bad ?? text}")` });
        return z.NEVER;
      }
      return parts;
    })
    .default(false),
  CASEKIT_SECRET_KEY: z.string().min(32, 'must be at least 32 characters (or leave it unset to generate one)').optional(),
  CASEKIT_STORE: z.enum(['sqlite', 'dynamodb'], { error: 'must be sqlite or dynamodb' }).default('sqlite'),
  CASEKIT_DYNAMODB_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name: 3 to 255 of letters, digits, "_", "-" and "."')
    .default('casekit'),
  CASEKIT_DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of DynamoDB (DynamoDB Local: http://127.0.0.1:8000)' }).optional(),
  CASEKIT_SPLYNX_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) address of Splynx, e.g. https://billing.example.net' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  CASEKIT_SPLYNX_API_KEY: optionalText,
  CASEKIT_SPLYNX_API_SECRET: optionalText,
  CASEKIT_SPLYNX_HOOK_SECRET: optionalText,
  CASEKIT_SPLYNX_SYNC_INTERVAL: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of seconds (0 pulls only on demand)')
    .transform(Number)
    .default(300),
  CASEKIT_REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' })
    .optional(),
  CASEKIT_LEASE_MS: z
    .string()
    .regex(/^\d+$/, LEASE_RULE)
    .transform(Number)
    .pipe(z.number().int().min(1000, LEASE_RULE).max(3_600_000, LEASE_RULE))
    .default(60_000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

/**
 * Reads and validates the configuration; throws ConfigError naming each bad variable.
 * Empty values count as unset.
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(Env.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const parsed = Env.superRefine((v, ctx) => {
    if (v.CASEKIT_SPLYNX_URL) {
      for (const name of ['CASEKIT_SPLYNX_API_KEY', 'CASEKIT_SPLYNX_API_SECRET'] as const) {
        if (!v[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'must be set with CASEKIT_SPLYNX_URL (an API key from Splynx: Administration → API keys)' });
      }
    }
    if (v.CASEKIT_JWKS_URL && !v.CASEKIT_JWT_ISSUER) {
      ctx.addIssue({ code: 'custom', path: ['CASEKIT_JWT_ISSUER'], message: 'must be set with CASEKIT_JWKS_URL: tokens are accepted only from that issuer' });
    }
  }).safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = input[name];
      const shown = /SECRET|API_KEY|REDIS_URL/.test(name) ? '' : got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir: resolve(v.CASEKIT_DATA_DIR),
    jwtSecret: v.CASEKIT_JWT_SECRET,
    workspaceId: v.CASEKIT_WORKSPACE_ID,
    jwksUrl: v.CASEKIT_JWKS_URL,
    jwtIssuer: v.CASEKIT_JWT_ISSUER,
    jwtAudience: v.CASEKIT_JWT_AUDIENCE,
    bodyLimit: v.CASEKIT_BODY_LIMIT,
    uploadLimit: v.CASEKIT_UPLOAD_LIMIT,
    realtimeQueueLimit: v.CASEKIT_REALTIME_QUEUE_LIMIT,
    uploadTypes: v.CASEKIT_UPLOAD_TYPES,
    publicUrl: v.CASEKIT_PUBLIC_URL,
    smtpPort: v.CASEKIT_SMTP_PORT,
    corsOrigins: v.CASEKIT_CORS_ORIGINS,
    secretKey: v.CASEKIT_SECRET_KEY,
    trustProxy: v.CASEKIT_TRUST_PROXY,
    logLevel: v.LOG_LEVEL,
    storeKind: v.CASEKIT_STORE,
    dynamodb: { tableName: v.CASEKIT_DYNAMODB_TABLE, endpoint: v.CASEKIT_DYNAMODB_ENDPOINT },
    splynx:
      v.CASEKIT_SPLYNX_URL && v.CASEKIT_SPLYNX_API_KEY && v.CASEKIT_SPLYNX_API_SECRET
        ? { url: v.CASEKIT_SPLYNX_URL, apiKey: v.CASEKIT_SPLYNX_API_KEY, apiSecret: v.CASEKIT_SPLYNX_API_SECRET, hookSecret: v.CASEKIT_SPLYNX_HOOK_SECRET, syncIntervalSeconds: v.CASEKIT_SPLYNX_SYNC_INTERVAL }
        : undefined,
    redisUrl: v.CASEKIT_REDIS_URL,
    leaseMs: v.CASEKIT_LEASE_MS,
  };
}

/** The configured secret, or the one kept in `<dataDir>/jwt-secret` (created on first start, mode 600). */
export async function resolveJwtSecret(config: Pick<Config, 'jwtSecret' | 'dataDir'>): Promise<string> {
  return config.jwtSecret ?? keptSecret(config.dataDir, 'jwt-secret');
}

/**
 * The configured key for channel secrets, or the one kept in `<dataDir>/secret-key`. Set
 * CASEKIT_SECRET_KEY in production and keep it apart from the data, so a copy of the database
 * alone does not reveal channel secrets.
 */
export async function resolveSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>): Promise<string> {
  return config.secretKey ?? keptSecret(config.dataDir, 'secret-key');
}

/** A random secret kept in `<dataDir>/<name>`, created on first use with mode 600. */
async function keptSecret(dataDir: string, name: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, name);
  let kept: string | undefined;
  try {
    kept = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (kept !== undefined) {
    // Never replaced silently: what it sealed would be lost with it.
    if (kept.length < 32) throw new ConfigError(`${file} holds fewer than 32 characters; restore it, or delete it to generate a new one.`);
    return kept;
  }
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
