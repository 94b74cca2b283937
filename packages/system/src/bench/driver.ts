import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

const submit = `mutation Submit($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;

// Leaves of the demo taxonomy, so routing exercises the responsibility list rather than one rule.
const categories = [
  'property.fees',
  'property.repair',
  'city-appearance.garbage',
  'city-appearance.street-vendors',
  'construction-noise.night',
  'illegal-construction',
  'noise.commercial',
  'utilities.water',
  'utilities.power',
  'cooking-fumes',
  'traffic.parking',
  'consumer.refund',
  'rural.roads',
  'other',
];
const channels = ['HOTLINE', 'APP', 'WECHAT', 'WEB'];

/** The n-th complaint of a run: spread over categories, channels and the demo district's map (116.3–116.5 E, 39.85–39.95 N). */
export function complaintBody(n: number): string {
  const input = {
    channel: channels[n % channels.length],
    type: 'COMPLAINT',
    urgency: n % 10 === 0 ? 'URGENT' : 'GENERAL',
    categoryId: categories[n % categories.length],
    title: `压力测试诉求 ${n}`,
    description: '小区门口道路破损，雨天积水严重，居民出行不便，希望尽快修复。',
    address: '示范区测试路1号',
    location: { lat: 39.8501 + ((n * 7919) % 999) / 10_000, lng: 116.3001 + ((n * 104_729) % 1999) / 10_000 },
    complainant: { name: '测试市民', phone: `139${String(n % 100_000_000).padStart(8, '0')}` },
  };
  return JSON.stringify({ query: submit, variables: { input } });
}

export interface LoadOptions {
  /** The graph's URL at the gateway. */
  url: string;
  token: string;
  /** Complaints per second to offer; 0 sends the next one as soon as a connection is free. */
  rate: number;
  connections: number;
  /** When the schedule starts (performance.now()), so the caller's window and the driver's agree. */
  startedAt: number;
  durationMs: number;
  /** A complaint was taken in: its id, when its request was sent and when the answer came (performance.now()). */
  onAccepted(complaintId: string, sentAt: number, answeredAt: number): void;
  /** A submit failed; `kind` names how (HTTP status, GraphQL error code, or the network error). */
  onFailed(kind: string, sentAt: number): void;
}

export interface LoadResult {
  /** The largest delay of a send behind its scheduled time: how far the connections fell behind the offered rate (0 without a rate). */
  maxLagMs: number;
}

/** The complaint id of an answer, or how the submit failed. */
function outcomeOf(status: number, text: string): { id: string } | { failure: string } {
  if (status !== 200) return { failure: `HTTP ${status}` };
  try {
    const body = JSON.parse(text) as {
      errors?: Array<{ extensions?: { code?: string } }>;
      data?: { submitComplaint?: { complaint?: { id?: string } } };
    };
    if (body.errors?.length) return { failure: `GraphQL ${body.errors[0]?.extensions?.code ?? 'error'}` };
    const id = body.data?.submitComplaint?.complaint?.id;
    return id ? { id } : { failure: 'no complaint id' };
  } catch {
    return { failure: 'body is not JSON' };
  }
}

/**
 * Drives `submitComplaint` at a steady rate with at most `connections` requests in flight over a
 * keep-alive pool. Request i is due at start + i/rate; each connection's worker takes the next due
 * request, waits for its time, sends it and waits for the answer, so arrivals are even (no bursts at
 * second boundaries) and a system slower than the offered rate shows as sends falling behind schedule.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.token}` };
  const { startedAt } = options;
  const endsAt = startedAt + options.durationMs;
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  let next = 0;
  let maxLagMs = 0;

  async function worker(): Promise<void> {
    for (;;) {
      const n = next++;
      const due = startedAt + n * interval;
      if (due >= endsAt || performance.now() >= endsAt) return;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const sentAt = performance.now();
      if (interval > 0) maxLagMs = Math.max(maxLagMs, sentAt - due);
      try {
        const response = await pool.request({ path: target.pathname, method: 'POST', headers, body: complaintBody(n) });
        const text = await response.body.text();
        const answeredAt = performance.now();
        const outcome = outcomeOf(response.statusCode, text);
        if ('id' in outcome) options.onAccepted(outcome.id, sentAt, answeredAt);
        else options.onFailed(outcome.failure, sentAt);
      } catch (error) {
        options.onFailed((error as { code?: string }).code ?? (error as Error).name, sentAt);
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: options.connections }, () => worker()));
  } finally {
    await pool.close();
  }
  return { maxLagMs };
}
