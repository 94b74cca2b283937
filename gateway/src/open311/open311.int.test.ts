import { silentLogger, TEST_CALLER_SECRET } from '@hotline/shared/testing';
import { XMLParser } from 'fast-xml-parser';
import type { RunningService } from '@hotline/shared';
import { startEmbedded, type EmbeddedSystem } from '../embedded';
import { readGatewayEnvironment } from '../environment';
import { startGateway } from '../gateway';

const AGENT_KEY = 'open311-agent-key';
const CITIZEN_KEY = 'open311-citizen-key';

describe('the Open311 GeoReport v2 door', () => {
  let system: EmbeddedSystem;
  let gateway: RunningService;
  let base: string;
  const xml = new XMLParser();

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  const getJson = async (path: string) => {
    const r = await get(path);
    return { ...r, body: JSON.parse(r.text) };
  };
  const post = async (fields: Record<string, string | undefined>, format = 'json') => {
    const form = new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
    const response = await fetch(`${base}/open311/v2/requests.${format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    return { status: response.status, text: await response.text() };
  };
  const report = {
    api_key: AGENT_KEY,
    service_code: 'noise.commercial',
    description: '楼下酒吧每天凌晨两点还在放音乐',
    lat: '39.87',
    long: '116.36',
    first_name: '明',
    last_name: '王',
    phone: '13900001111',
  };

  beforeAll(async () => {
    system = await startEmbedded({
      GATEWAY_PORT: '0',
      INTAKE_PORT: '0',
      DISPATCH_PORT: '0',
      SUPERVISION_PORT: '0',
      ANALYTICS_PORT: '0',
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'silent',
      CALLER_SECRET: TEST_CALLER_SECRET,
    });
    const [intake, dispatch, supervision, analytics] = system.services.map((s) => s.url);
    // A second gateway over the same subgraphs, configured with api keys (the embedded one has none).
    const env = readGatewayEnvironment({
      GATEWAY_PORT: '0',
      CALLER_SECRET: TEST_CALLER_SECRET,
      INTAKE_URL: intake,
      DISPATCH_URL: dispatch,
      SUPERVISION_URL: supervision,
      ANALYTICS_URL: analytics,
      OPEN311_API_KEYS: `${AGENT_KEY}=agent:110199,${CITIZEN_KEY}=citizen:110199`,
    });
    gateway = await startGateway(env, silentLogger());
    base = gateway.url;
  });
  afterAll(async () => {
    await gateway.stop();
    await system.stop();
  });

  it('describes itself in discovery, in JSON and XML', async () => {
    const json = await getJson('/open311/v2/discovery.json');
    expect(json.body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      formats: ['application/json', 'text/xml'],
    });
    const asXml = await get('/open311/v2/discovery.xml');
    expect(asXml.type).toContain('text/xml');
    expect(xml.parse(asXml.text).discovery.endpoints.specification).toBe('http://wiki.open311.org/GeoReport_v2');
  });

  it('lists the taxonomy as services, grouped by top level', async () => {
    const { body } = await getJson('/open311/v2/services.json');
    expect(body).toContainEqual(
      expect.objectContaining({
        service_code: 'property.fees',
        service_name: '物业收费',
        group: '物业管理',
        metadata: true,
        type: 'realtime',
      }),
    );
    const asXml = xml.parse((await get('/open311/v2/services.xml')).text);
    expect(asXml.services.service.length).toBe(body.length);
  });

  it('defines a service with its attributes, and 404s an unknown one', async () => {
    const { body } = await getJson('/open311/v2/services/noise.commercial.json');
    expect(body.service_code).toBe('noise.commercial');
    expect(body.attributes.map((a: any) => a.code)).toEqual(['type', 'urgency']);
    expect(body.attributes[1].values).toContainEqual({ key: 'URGENT', name: '紧急' });
    const missing = await getJson('/open311/v2/services/no.such.json');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual([{ code: 404, description: 'service_code: no service "no.such"' }]);
  });

  it('creates a request through the graph with an agent key, then reads it back by id, by token and in the list', async () => {
    const created = await post(report);
    expect(created.status).toBe(201);
    const [{ service_request_id: id }] = JSON.parse(created.text);
    const one = await getJson(`/open311/v2/requests/${id}.json`);
    expect(one.body[0]).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'noise.commercial',
      service_name: '商业噪声',
      lat: 39.87,
      long: 116.36,
    });
    expect(one.body[0].requested_datetime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(one.body[0]).not.toHaveProperty('phone');
    expect((await getJson(`/open311/v2/tokens/${id}.json`)).body).toEqual([{ service_request_id: id, token: id }]);
    const list = await getJson(`/open311/v2/requests.json?service_request_id=${id}`);
    expect(list.body.map((r: any) => r.service_request_id)).toEqual([id]);
    const open = await getJson('/open311/v2/requests.json?status=open&service_code=noise');
    expect(open.body.map((r: any) => r.service_request_id)).toContain(id);
    const closed = await getJson('/open311/v2/requests.json?status=closed&service_code=noise');
    expect(closed.body.map((r: any) => r.service_request_id)).not.toContain(id);
    const asXml = xml.parse((await get(`/open311/v2/requests/${id}.xml`)).text);
    expect(asXml.service_requests.request.service_request_id).toBe(id);
  });

  it('answers a POST in XML too', async () => {
    const created = await post(report, 'xml');
    expect(created.status).toBe(201);
    expect(xml.parse(created.text).service_requests.request.service_request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['no api key', { api_key: undefined }, 400, /^api_key:/],
    ['an unknown api key', { api_key: 'not-a-key-at-all' }, 403, /^api_key:/],
    ['a citizen key, which may not submit', { api_key: CITIZEN_KEY }, 403, /roles/],
    ['no place', { lat: undefined, long: undefined }, 400, /^address_string:/],
    ['an unknown service', { service_code: 'no.such' }, 400, /categoryId/],
    ['an empty description', { description: '' }, 400, /^description:/],
  ])('refuses a POST with %s in the spec error format, storing nothing', async (_, change, status, description) => {
    const before = (await getJson('/open311/v2/requests.json')).body.length;
    const res = await post({ ...report, ...change });
    expect(res.status).toBe(status);
    const errors = JSON.parse(res.text);
    expect(errors[0].code).toBe(status);
    expect(errors[0].description).toMatch(description);
    expect((await getJson('/open311/v2/requests.json')).body.length).toBe(before);
  });

  it('refuses a POST that is not form-encoded', async () => {
    const res = await fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(res.status).toBe(400);
  });

  it.each([
    ['/open311/v2/requests.json?status=pending', 400, /^status:/],
    ['/open311/v2/requests.json?start_date=yesterday', 400, /^start_date:/],
    ['/open311/v2/requests/0190aaaa-0000-7000-8000-000000000000.json', 404, /^service_request_id:/],
    ['/open311/v2/tokens/nope.json', 404, /^token:/],
    ['/open311/v2/nothing.json', 404, /no such resource/],
  ])('answers GET %s with %i in the spec error format', async (path, status, description) => {
    const res = await getJson(path);
    expect(res.status).toBe(status);
    expect(res.body[0]).toEqual({ code: status, description: expect.stringMatching(description) });
  });

  it('gives errors in XML for an XML request', async () => {
    const res = await get('/open311/v2/requests.xml?status=pending');
    expect(res.status).toBe(400);
    expect(xml.parse(res.text).errors.error.code).toBe(400);
  });
});
