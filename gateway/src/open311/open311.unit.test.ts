import { createServer } from 'node:http';
import { silentLogger } from '@hotline/shared/testing';
import { open311Environment } from './config';
import { open311Route } from './route';
import { open311Status, postRequestForm, requestsQuery, toSubmitInput, window } from './mapping';

describe('Open311 status', () => {
  it.each([
    ['RECEIVED', 'RECEIVED', 'open'],
    ['DISPATCHED', 'IN_PROGRESS', 'open'],
    ['DISPATCHED', 'REPLIED', 'open'],
    ['DISPATCHED', 'CLOSED', 'closed'],
    ['DISPATCHED', 'TRANSFERRED', 'closed'],
    ['CLOSED_AT_INTAKE', 'RECEIVED', 'closed'],
    ['AWAITING_PLACEMENT', null, 'open'],
  ] as const)('given intake %s and dispatch %s, then it is %s', (intakeState, status, expected) => {
    expect(open311Status({ intakeState, status })).toBe(expected);
  });

  it('given a merged report, then it shares its case status', () => {
    expect(
      open311Status({ intakeState: 'MERGED', status: 'RECEIVED', mergedInto: { id: 'c', intakeState: 'DISPATCHED', status: 'CLOSED' } }),
    ).toBe('closed');
  });
});

describe('GET requests parameters', () => {
  it('given ids and statuses, then they are split', () => {
    expect(requestsQuery.parse({ service_request_id: 'a, b', status: 'open,closed' })).toMatchObject({
      ids: ['a', 'b'],
      statuses: ['open', 'closed'],
    });
  });
  it.each([
    [{ status: 'pending' }, /^status:/],
    [{ start_date: 'yesterday' }, /^start_date:/],
    [{ start_date: '2026-03-02T00:00:00Z', end_date: '2026-03-01T00:00:00Z' }, /^start_date: must not be after/],
    [{ start_date: '2026-01-01T00:00:00Z', end_date: '2026-06-01T00:00:00Z' }, /^end_date: the window/],
  ])('given %p, then the parameter is named', (query, message) => {
    const result = requestsQuery.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(message);
  });
  it('given no dates, then the window is the 90 days up to now', () => {
    const now = new Date('2026-04-01T00:00:00Z');
    expect(window({ start: null, end: null }, now)).toEqual({ from: new Date('2026-01-01T00:00:00Z'), to: now });
  });
});

describe('POST requests form', () => {
  const base = { api_key: 'k', service_code: 'noise', description: '楼下酒吧太吵\n每天到凌晨', lat: '39.87', long: '116.36' };
  it('given a valid form, then it becomes an app complaint titled by its first line', () => {
    const input = toSubmitInput(
      postRequestForm.parse({
        ...base,
        first_name: '明',
        last_name: '王',
        phone: '13900001111',
        account_id: 'acc-1',
        'attribute[urgency]': 'GENERAL',
      }),
    );
    expect(input).toMatchObject({
      channel: 'APP',
      categoryId: 'noise',
      title: '楼下酒吧太吵',
      urgency: 'GENERAL',
      location: { lat: 39.87, lng: 116.36 },
      complainant: { name: '王明', phone: '13900001111' },
    });
    expect(input.channelDetails!.online.accountId).toBe('acc-1');
  });
  it('given no personal fields, then the report is anonymous', () => {
    expect(toSubmitInput(postRequestForm.parse(base)).complainant).toBeNull();
  });
  it.each([
    [{ api_key: undefined }, /^api_key:/],
    [{ service_code: '' }, /^service_code:/],
    [{ description: ' ' }, /^description:/],
    [{ lat: undefined, long: undefined }, /^address_string:/],
    [{ long: undefined }, /^lat:/],
    [{ lat: '95' }, /^lat:/],
    [{ 'attribute[urgency]': 'NOW' }, /^attribute\[urgency\]:/],
  ])('given %p, then the field is named', (change, message) => {
    const result = postRequestForm.safeParse({ ...base, ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(message);
  });
});

describe('api keys', () => {
  it('given key=role:district pairs, then each key maps to a caller that does not contain the key', () => {
    const { OPEN311_API_KEYS } = open311Environment.parse({ OPEN311_API_KEYS: 'app-key-0001=agent:110199, portal-key-02=citizen:110105' });
    expect(OPEN311_API_KEYS.get('app-key-0001')).toMatchObject({ roles: ['agent'], district: '110199' });
    expect(OPEN311_API_KEYS.get('portal-key-02')).toMatchObject({ roles: ['citizen'], district: '110105' });
    expect(OPEN311_API_KEYS.get('app-key-0001')!.sub).not.toContain('app-key');
  });
  it.each(['short=agent:110199', 'app-key-0001=king:110199', 'app-key-0001=agent:1'])('given %s, then configuration fails', (pair) => {
    expect(open311Environment.safeParse({ OPEN311_API_KEYS: pair }).success).toBe(false);
  });
});

describe('rate limit', () => {
  it('given more requests than the limit in a minute, then the next is refused with 429 in the spec format', async () => {
    // Discovery never reaches the graph, so no server is needed behind the route.
    const route = open311Route({
      graph: null as never,
      env: { CALLER_SECRET: 'x'.repeat(16), RATE_LIMIT_PER_MINUTE: 1 },
      logger: silentLogger(),
    });
    const server = createServer((req, res) => void route(req, res, async () => ''));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect((await fetch(`http://127.0.0.1:${port}/open311/v2/discovery.json`)).status).toBe(200);
      const refused = await fetch(`http://127.0.0.1:${port}/open311/v2/discovery.json`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused.json()) as Array<{ code: number }>)[0]!.code).toBe(429);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
