import { mintUserToken, type Role } from '@hotline/shared';
import { startEmbedded, type EmbeddedSystem } from './index';
import { DEFAULT_ISSUER, DEVELOPMENT_JWT_SECRET } from './environment';

const ports = { GATEWAY_PORT: '0', INTAKE_PORT: '0', DISPATCH_PORT: '0', SUPERVISION_PORT: '0', ANALYTICS_PORT: '0' };
const token = (role: Role, secret = DEVELOPMENT_JWT_SECRET) =>
  mintUserToken({ sub: `gw-${role}`, roles: [role], district: '110199' }, secret, DEFAULT_ISSUER);

const validInput = {
  channel: 'WEB',
  type: 'REPORT',
  categoryId: 'noise.commercial',
  title: '酒吧深夜噪音',
  description: '楼下酒吧每天凌晨两点还在放音乐。',
  address: '和平里社区5号',
  complainant: { anonymous: true },
};
const submit = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
const count = `{ complaints(first: 1) { totalCount } }`;

describe('the gateway', () => {
  let system: EmbeddedSystem;
  let gatewayBase: string;

  async function post(body: unknown, bearer?: string, headers: Record<string, string> = {}) {
    const response = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> },
    };
  }
  const total = async () => (await post({ query: count }, await token('agent'))).body.data.complaints.totalCount as number;

  beforeAll(async () => {
    system = await startEmbedded({ ...ports, DATA_DIR: 'memory://', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000' });
    gatewayBase = system.url.replace(/\/graphql$/, '');
  });
  afterAll(() => system.stop());

  it('answers a request without a token as UNAUTHENTICATED', async () => {
    const { body } = await post({ query: count });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret with 401 UNAUTHENTICATED', async () => {
    const { status, body } = await post({ query: count }, await token('agent', 'some-other-secret-0123456789'));
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a role that may not act as FORBIDDEN, storing nothing', async () => {
    const before = await total();
    const { body } = await post({ query: submit, variables: { input: validInput } }, await token('analyst'));
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await total()).toBe(before);
  });

  it.each([
    ['a missing required field', { ...validInput, title: undefined }, 'input.title'],
    ['a wrong type', { ...validInput, location: { lat: 'north', lng: 116.3 } }, 'input.location.lat'],
    ['an unknown enum value', { ...validInput, channel: 'FAX' }, 'input.channel'],
    ['an empty description', { ...validInput, description: '' }, 'input.description'],
    ['an oversized title', { ...validInput, title: '噪'.repeat(101) }, 'input.title'],
    ['an unknown category', { ...validInput, categoryId: 'noise.volcano' }, 'input.categoryId'],
    ['coordinates out of range', { ...validInput, location: { lat: 39.9, lng: 181 } }, 'input.location.lng'],
  ])('rejects %s as BAD_USER_INPUT naming the field, storing nothing', async (_, input, field) => {
    const before = await total();
    const { body } = await post({ query: submit, variables: { input } }, await token('agent'));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await total()).toBe(before);
  });

  it('refuses a query nested deeper than the limit before calling any subgraph', async () => {
    const deep = `{ categories ${'{ children '.repeat(15)}{ id }${' }'.repeat(15)} }`;
    const { body } = await post({ query: deep }, await token('agent'));
    expect(body.errors?.[0]?.message).toMatch(/exceeds maximum operation depth/);
  });

  it('refuses an oversized request body with 413', async () => {
    const { status } = await post({ query: count, variables: { padding: 'x'.repeat(300 * 1024) } }, await token('agent'));
    expect(status).toBe(413);
  });

  it('serves the GraphQL IDE and its scripts itself, with nothing from a CDN', async () => {
    const page = await (await fetch(`${gatewayBase}/`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('GraphiQL');
    const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.every((s) => s.startsWith('/ide/'))).toBe(true);
    for (const source of sources) expect((await fetch(`${gatewayBase}${source}`)).status).toBe(200);
  });

  it('reports health and readiness, ready once every subgraph is', async () => {
    expect((await fetch(`${gatewayBase}/health`)).status).toBe(200);
    const ready = await fetch(`${gatewayBase}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({
      intake: true,
      dispatch: true,
      supervision: true,
      analytics: true,
    });
  });

  it("serves a unit's monthly report from analytics to a signed-in caller, by the rules of the graph", async () => {
    const path = '/reports/units/unit-110199-001/2026-03.html';
    const get = (bearer?: string, method = 'GET') =>
      fetch(`${gatewayBase}${path}`, { method, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

    const report = await get(await token('supervisor'));
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await report.text()).toContain('民意诉求档案');

    const anonymous = await get();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await get(await token('supervisor', 'another-secret'))).status).toBe(401);
    expect((await get(await token('citizen'))).status).toBe(403);
    expect((await get(await token('supervisor'), 'DELETE')).status).toBe(405);
  });
});
