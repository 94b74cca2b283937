import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mintUserToken } from '@hotline/shared';
import { waitFor } from '@hotline/shared/testing';
import { startEmbedded } from './index';
import { DEFAULT_ISSUER, DEVELOPMENT_JWT_SECRET } from './environment';

const ports = { GATEWAY_PORT: '0', INTAKE_PORT: '0', DISPATCH_PORT: '0', SUPERVISION_PORT: '0', ANALYTICS_PORT: '0' };

async function gql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const token = await mintUserToken({ sub: 'restart-agent', roles: ['agent'], district: '110199' }, DEVELOPMENT_JWT_SECRET, DEFAULT_ISSUER);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('the embedded system on its data folder', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hotline-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps complaints, work orders and counts across a restart, loading the demo data only once', async () => {
    const first = await startEmbedded({ ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const submitted = await gql(
      first.url,
      `mutation { submitComplaint(input: { channel: WEB, type: HELP, categoryId: "education.enrolment", title: "入学咨询无人回复", description: "孩子入学材料提交后两周无人回复。", address: "和平里社区" , complainant: { anonymous: true } }) { complaint { id } } }`,
    );
    const id = submitted.data.submitComplaint.complaint.id as string;
    const dispatched = `{ complaint(id: "${id}") { title status workOrders { unit { id stats { workOrdersReceived } } } } }`;
    await waitFor(
      async () => (await gql(first.url, dispatched)).data?.complaint?.workOrders?.[0]?.unit?.stats?.workOrdersReceived === 1,
      'the first run to route and count it',
    );
    await first.stop();

    const second = await startEmbedded({ ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    try {
      const again = await gql(second.url, dispatched);
      expect(again.data.complaint).toEqual({
        title: '入学咨询无人回复',
        status: 'DISPATCHED',
        workOrders: [{ unit: { id: 'unit-110199-jw', stats: { workOrdersReceived: 1 } } }],
      });
      const categories = await gql(second.url, `{ categories { id } }`);
      expect(categories.data.categories).toHaveLength(12);
    } finally {
      await second.stop();
    }
  });
});
