import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { type Message, render, t } from '../../../lib/messages/index.js';

/** A destination the workspace allows webhooks to go to (an admin keeps the list). */
export interface AllowEntry {
  /** A host name, `*.example.com` (any subdomain), or an IP address. */
  host: string;
  /** Only this port (default: any). */
  port?: number;
  /** Loopback, private and link-local addresses are refused unless this is set (SSRF). */
  allowPrivate?: boolean;
}

/** A webhook destination that may not be called; the action fails for good (no retry). */
export class DestinationRefused extends Error {
  /** The reason in the reader's language (the message holds it in English, for logs). */
  readonly text: Message;
  constructor(text: Message) {
    super(render(text, 'en'));
    this.name = 'DestinationRefused';
    this.text = text;
  }
}

/** Ranges no webhook may reach, allowed or not: nothing listens there on purpose. */
const NEVER = new Set(['unspecified', 'multicast', 'broadcast']);
/** Ranges of the server's own network: only for entries with `allowPrivate`. */
const PUBLIC = new Set(['unicast']);

/** The entry of `allow` that admits this host and port, if any. Host names compare case-insensitively. */
export function allowedEntry(
  allow: readonly AllowEntry[],
  hostname: string,
  port: number,
): AllowEntry | undefined {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allow.find((entry) => {
    if (entry.port !== undefined && entry.port !== port) return false;
    const pattern = entry.host.toLowerCase().replace(/^\[|\]$/g, '');
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    if (isIP(pattern) && isIP(host))
      return ipaddr.parse(pattern).toString() === ipaddr.parse(host).toString();
    return pattern === host;
  });
}

/** The range an address lies in (`unicast` for public ones); IPv4-mapped IPv6 addresses as their IPv4. */
export function addressRange(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range();
}

/** A resolved, checked address: the connection must go to exactly this one. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Checks a URL against the allow-list and resolves its host, then checks every address it resolves to
 * (after DNS: a public name pointing at 127.0.0.1 is refused like 127.0.0.1). Answers the address to
 * connect to, so no second lookup can be answered differently (DNS rebinding).
 */
export async function checkDestination(
  url: URL,
  allow: readonly AllowEntry[],
  resolve: (host: string) => Promise<Array<{ address: string; family: number }>> = (host) =>
    dnsLookup(host, { all: true, verbatim: true }),
): Promise<CheckedAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DestinationRefused(t('webhook.scheme', { scheme: url.protocol }));
  }
  if (url.username || url.password) throw new DestinationRefused(t('webhook.credentials'));
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const entry = allowedEntry(allow, hostname, port);
  if (!entry) throw new DestinationRefused(t('webhook.notListed', { host: hostname, port }));
  const addresses = isIP(hostname)
    ? [{ address: hostname, family: isIP(hostname) }]
    : await resolve(hostname).catch(() => {
        throw new DestinationRefused(t('webhook.noAddress', { host: hostname }));
      });
  if (addresses.length === 0) throw new DestinationRefused(t('webhook.noAddress', { host: hostname }));
  for (const { address } of addresses) {
    const range = addressRange(address);
    if (NEVER.has(range))
      throw new DestinationRefused(t('webhook.neverRange', { host: hostname, address, range }));
    if (!PUBLIC.has(range) && !entry.allowPrivate) {
      throw new DestinationRefused(t('webhook.privateRange', { host: hostname, address, range }));
    }
  }
  const first = addresses[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
