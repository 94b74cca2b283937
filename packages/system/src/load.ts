import { setTimeout as sleep } from 'node:timers/promises';

const submitComplaint = `mutation Submit($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;

// Leaves of the demo taxonomy whose responsibility rules send them to different kinds of unit.
const categories = [
  'property.fees',
  'city-appearance.garbage',
  'noise.commercial',
  'utilities.power',
  'illegal-construction',
  'traffic.parking',
  'other',
];
const channels = ['HOTLINE', 'APP', 'WECHAT', 'WEB'];

/**
 * The n-th complaint of a stream: spread over categories, channels and the four streets/towns of
 * the demo district (each 0.05° of longitude wide from 116.30 E, 39.85–39.95 N), so routing and the
 * read models see more than one unit and one counter row.
 */
export function complaintInput(n: number): Record<string, unknown> {
  const street = n % 4;
  return {
    channel: channels[n % channels.length],
    type: 'COMPLAINT',
    urgency: n % 10 === 0 ? 'URGENT' : 'GENERAL',
    categoryId: categories[n % categories.length],
    title: `诉求 ${n}`,
    description: '小区门口道路破损，雨天积水严重，居民出行不便，希望尽快修复。',
    address: '示范区测试路1号',
    location: { lat: 39.86 + ((n * 7919) % 800) / 10_000, lng: 116.305 + street * 0.05 + ((n * 104_729) % 400) / 10_000 },
    complainant: { name: '测试市民', phone: `139${String(n % 100_000_000).padStart(8, '0')}` },
  };
}

export interface ComplaintStreamOptions {
  /** The graph's URL at the gateway. */
  url: string;
  /** A bearer token of a caller who may submit (agent). */
  token: string;
  /** Submissions at most; `end()` stops earlier. */
  total: number;
  /** Submissions in flight at once. */
  concurrency?: number;
  /** Submissions started per second at most, so a stream lasts long enough to span a fault; unpaced when absent. */
  perSecond?: number;
  input?: (n: number) => Record<string, unknown>;
  /** Per-request limit; a submission that takes longer counts as failed. */
  requestTimeoutMs?: number;
}

export interface ComplaintStream {
  /** Ids the graph accepted, in the order the answers came. */
  readonly accepted: readonly string[];
  /** Why each refused or failed submission failed (HTTP status, GraphQL error, network error). */
  readonly failures: readonly string[];
  /** Submissions begun so far, numbered from 0 in that order; every one numbered from here on is sent after this read. */
  readonly started: number;
  /** Ids of accepted submissions numbered `first` or later: those sent after a point in time the caller noted with `started`. */
  acceptedFrom(first: number): string[];
  /** Resolves once `count` complaints have been accepted; rejects if the stream finishes short of that. */
  reached(count: number): Promise<void>;
  /** Starts no further submissions; those in flight still finish. */
  end(): void;
  /** Every accepted id, once the last submission has finished. */
  readonly done: Promise<string[]>;
}

/**
 * Submits complaints through the gateway with a bounded number in flight, as agents at a call
 * centre would, while a test does something to the system underneath. Failures are collected, not
 * thrown: the caller decides whether a failed submission is a defect.
 */
export function streamComplaints(options: ComplaintStreamOptions): ComplaintStream {
  const concurrency = options.concurrency ?? 16;
  const input = options.input ?? complaintInput;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const accepted: string[] = [];
  const acceptedNumbers: number[] = [];
  const failures: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void; reject: (error: Error) => void }> = [];
  const startedAt = Date.now();
  let next = 0;
  let ended = false;
  let finished = false;

  function settleWaiters(): void {
    for (const waiter of [...waiters]) {
      if (accepted.length >= waiter.count) waiter.resolve();
      else if (finished)
        waiter.reject(
          new Error(`the stream finished with ${accepted.length} accepted (${failures.length} failed), short of ${waiter.count}`),
        );
      else continue;
      waiters.splice(waiters.indexOf(waiter), 1);
    }
  }

  async function submit(n: number): Promise<void> {
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ query: submitComplaint, variables: { input: input(n) } }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const body = (await response.json()) as {
        data?: { submitComplaint?: { complaint?: { id?: string } } } | null;
        errors?: Array<{ message: string }>;
      };
      const id = body.data?.submitComplaint?.complaint?.id;
      if (response.ok && id && !body.errors) {
        accepted.push(id);
        acceptedNumbers.push(n);
      } else {
        failures.push(`#${n}: HTTP ${response.status} ${body.errors?.map((e) => e.message).join('; ') ?? 'no id in the answer'}`);
      }
    } catch (error) {
      failures.push(`#${n}: ${error instanceof Error ? error.message : String(error)}`);
    }
    settleWaiters();
  }

  async function worker(): Promise<void> {
    while (!ended && next < options.total) {
      const n = next++;
      if (options.perSecond) {
        const due = startedAt + (n * 1000) / options.perSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        if (ended) return;
      }
      await submit(n);
    }
  }

  const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
    finished = true;
    settleWaiters();
    return [...accepted];
  });

  return {
    accepted,
    failures,
    get started() {
      return next;
    },
    acceptedFrom: (first) => accepted.filter((_, i) => acceptedNumbers[i]! >= first),
    reached(count) {
      return new Promise<void>((resolve, reject) => {
        waiters.push({ count, resolve, reject });
        settleWaiters();
      });
    },
    end() {
      ended = true;
    },
    done,
  };
}
