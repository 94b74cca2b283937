import {
  createEvent,
  createInProcessBus,
  parseEnvelope,
  toBusMessage,
  ComplaintReceived,
  WorkOrderDispatched,
  type DeliveredMessage,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readIntakeEnvironment, startIntake } from './index';

const submit = `mutation Submit($input: SubmitComplaintInput!) {
  submitComplaint(input: $input) {
    complaint { id title type urgency intakeState region { id level } areaType category { id name } complainant { name phone masked anonymous complaintCount }
      classification { suggestedCategory { id } categoryConfidence categoryOverridden suggestedType suggestedUrgency emergencyRule } }
    suggestion { category { category { id } confidence } type { type } urgency { urgency rule } }
    duplicateCandidates { complaint { id } score reasons distanceMeters textSimilarity }
  }
}`;

const validInput = {
  channel: 'HOTLINE',
  type: 'COMPLAINT',
  urgency: 'GENERAL',
  categoryId: 'property.fees',
  title: '物业乱收费',
  description: '小区物业今年突然上调物业费，没有公示。',
  address: '安华里社区3号楼',
  location: { lat: 39.87, lng: 116.31 },
  complainant: { name: '张三丰', phone: '13812345678' },
};

describe('intake subgraph', () => {
  const bus = createInProcessBus();
  const received: DeliveredMessage[] = [];
  let clock = new Date('2026-03-02T08:00:00.000Z');
  let service: Awaited<ReturnType<typeof startIntake>>;
  const agent = testCaller('agent');
  const gql = (query: string, variables: Record<string, unknown> = {}, caller: ReturnType<typeof testCaller> | null = agent) =>
    postGraphQL(service.url, { query, variables }, { caller });
  const eventsAbout = (id: string): Envelope[] => received.map((m) => parseEnvelope(m.value)).filter((e) => e.subject === id);
  const waitForEvent = (id: string, type: string) => waitFor(() => eventsAbout(id).find((e) => e.type === type), `${type} for ${id}`);
  const submitOk = async (input: Record<string, unknown>, caller = agent) => {
    const res = await gql(submit, { input }, caller);
    expect(res.errors).toBeUndefined();
    return res.data!.submitComplaint;
  };
  const count = async () => (await gql(`{ complaints(first: 1) { totalCount } }`)).data!.complaints.totalCount as number;

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({ groupId: 'test', topics: [ComplaintReceived.topic], handle: async (m) => void received.push(m) });
    const env = readIntakeEnvironment({ INTAKE_PORT: '0', DATA_DIR: 'memory://', CALLER_SECRET: TEST_CALLER_SECRET, DEMO_DATA: 'true' });
    service = await startIntake(env, { bus, logger: silentLogger(), now: () => clock });
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });

  describe('taking a complaint in', () => {
    it('stores a complaint placed in its grid and announces it once', async () => {
      const { complaint } = await submitOk(validInput);
      expect(complaint.region).toEqual({ id: '110199-001-01-1', level: 'GRID' });
      expect(complaint.areaType).toBe('BUILT_UP');
      expect(complaint.intakeState).toBe('RECEIVED');
      expect(complaint.complainant).toMatchObject({ name: '张三丰', phone: '13812345678', masked: false });
      const event = await waitForEvent(complaint.id, 'intake.complaint.received');
      expect(event.data).toMatchObject({
        complaintId: complaint.id,
        categoryId: 'property.fees',
        region: { street: '110199-001', grid: '110199-001-01-1' },
      });
    });

    it('masks the complainant for an analyst', async () => {
      const { complaint } = await submitOk(validInput);
      const res = await gql(
        `query($id: ID!) { complaint(id: $id) { complainant { name phone masked } } }`,
        { id: complaint.id },
        testCaller('analyst'),
      );
      expect(res.data!.complaint.complainant).toEqual({ name: '张**', phone: '138****5678', masked: true });
    });

    it.each([
      ['an empty title', { title: '  ' }, 'input.title'],
      ['an oversized description', { description: '长'.repeat(4001) }, 'input.description'],
      ['an unknown category', { categoryId: 'no.such' }, 'input.categoryId'],
      ['a latitude out of range', { location: { lat: 91, lng: 116.3 } }, 'input.location.lat'],
      ['neither address nor location', { address: null, location: null }, 'input.address'],
      ['a malformed phone', { complainant: { name: '李四', phone: 'call me' } }, 'input.complainant.phone'],
      ['details of another channel', { channelDetails: { online: { accountId: 'u1', messageId: 'm1' } } }, 'input.channelDetails.online'],
      ['an empty call id', { channelDetails: { hotline: { callId: ' ' } } }, 'input.channelDetails.hotline.callId'],
      [
        'a malformed caller number',
        { channelDetails: { hotline: { callId: 'c-1', callerNumber: 'x' } } },
        'input.channelDetails.hotline.callerNumber',
      ],
      ['an empty answer at intake', { closeAtIntake: { answer: '' } }, 'input.closeAtIntake.answer'],
      [
        'an unknown knowledge article',
        { closeAtIntake: { answer: '已答复', knowledgeArticleId: 'kb-none' } },
        'input.closeAtIntake.knowledgeArticleId',
      ],
    ])('rejects %s naming the field, storing nothing', async (_, change, field) => {
      const before = await count();
      const published = received.length;
      const res = await gql(submit, { input: { ...validInput, ...change } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await count()).toBe(before);
      expect(received.length).toBe(published);
    });

    it('refuses a request that did not come through the gateway', async () => {
      const res = await postGraphQL(service.url, { query: `{ categories { id } }` });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('refuses a dispatcher submitting complaints, and nobody at all', async () => {
      expect((await gql(submit, { input: validInput }, testCaller('dispatcher'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await gql(submit, { input: validInput }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('classification', () => {
    it('suggests category, type and urgency for a text, with confidences', async () => {
      const res = await gql(
        `query($t: String!) { suggestClassification(text: $t) { category { category { id } confidence } alternatives { category { id } } type { type confidence } urgency { urgency rule } } }`,
        { t: '楼下烧烤店油烟太大，熏得窗户都不敢开' },
      );
      const s = res.data!.suggestClassification;
      expect(s.category.category.id).toBe('cooking-fumes');
      expect(s.category.confidence).toBeGreaterThan(0.5);
      expect(s.alternatives.length).toBeGreaterThan(0);
      expect(s.type.type).toBe('COMPLAINT');
      expect(s.urgency).toEqual({ urgency: 'GENERAL', rule: null });
    });

    it('rejects an empty text naming the field', async () => {
      const res = await gql(`{ suggestClassification(text: " ") { type { type } } }`);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
    });

    it('takes the suggestion when the agent leaves category, type and urgency out, and records it', async () => {
      const { complaint } = await submitOk({
        ...validInput,
        categoryId: null,
        type: null,
        urgency: null,
        title: '饭店油烟扰民',
        description: '楼下饭店的油烟直接排到居民楼里，窗户都不敢开',
      });
      expect(complaint.category.id).toBe('cooking-fumes');
      expect(complaint.type).toBe('COMPLAINT');
      expect(complaint.classification).toMatchObject({
        suggestedCategory: { id: 'cooking-fumes' },
        categoryOverridden: false,
        suggestedType: 'COMPLAINT',
      });
      expect(complaint.classification.categoryConfidence).toBeGreaterThan(0);
    });

    it('lets the agent override the suggested category, recording both', async () => {
      const { complaint } = await submitOk({
        ...validInput,
        categoryId: 'other',
        title: '饭店油烟扰民',
        description: '楼下饭店的油烟直接排到居民楼里',
      });
      expect(complaint.category.id).toBe('other');
      expect(complaint.classification).toMatchObject({ suggestedCategory: { id: 'cooking-fumes' }, categoryOverridden: true });
    });

    it('forces URGENT for a gas leak even when the agent chose GENERAL', async () => {
      const { complaint, suggestion } = await submitOk({
        ...validInput,
        categoryId: 'utilities.gas',
        urgency: 'GENERAL',
        title: '楼道燃气泄漏',
        description: '楼道里有很浓的煤气味',
      });
      expect(complaint.urgency).toBe('URGENT');
      expect(complaint.classification.emergencyRule).toBe('GAS_LEAK');
      expect(suggestion.urgency).toEqual({ urgency: 'URGENT', rule: 'GAS_LEAK' });
      expect((await waitForEvent(complaint.id, 'intake.complaint.received')).data).toMatchObject({ urgency: 'URGENT' });
    });
  });

  describe('channels and complainants', () => {
    const details = `query($id: ID!) { complaint(id: $id) { channel channelDetails {
      __typename ... on HotlineDetails { callId callerNumber agentId } ... on OnlineDetails { accountId handle messageId }
      ... on LeaderBoardDetails { board postId } ... on GridPatrolDetails { gridWorkerId patrolId } ... on SensorDetails { deviceId reading threshold unit } } } }`;

    it('records a hotline call with its call id, the calling number and the agent, masking the number for an analyst', async () => {
      const { complaint } = await submitOk({
        ...validInput,
        channelDetails: { hotline: { callId: 'call-0001', callerNumber: '13812345678' } },
      });
      const full = await gql(details, { id: complaint.id });
      expect(full.data!.complaint.channelDetails).toEqual({
        __typename: 'HotlineDetails',
        callId: 'call-0001',
        callerNumber: '13812345678',
        agentId: 'agent-1',
      });
      const masked = await gql(details, { id: complaint.id }, testCaller('analyst'));
      expect(masked.data!.complaint.channelDetails.callerNumber).toBe('138****5678');
    });

    it.each([
      [
        'WECHAT',
        { online: { accountId: 'wx-openid-1', handle: '老王', messageId: 'msg-9' } },
        { __typename: 'OnlineDetails', accountId: 'wx-openid-1', handle: '老王', messageId: 'msg-9' },
      ],
      [
        'LEADER_BOARD',
        { leaderBoard: { board: '区长信箱', postId: 'p-77' } },
        { __typename: 'LeaderBoardDetails', board: '区长信箱', postId: 'p-77' },
      ],
      [
        'GRID_PATROL',
        { gridPatrol: { gridWorkerId: 'gw-3', patrolId: 'pt-20260302' } },
        { __typename: 'GridPatrolDetails', gridWorkerId: 'gw-3', patrolId: 'pt-20260302' },
      ],
      [
        'SENSOR',
        { sensor: { deviceId: 'noise-17', reading: 78.5, threshold: 70, unit: 'dB' } },
        { __typename: 'SensorDetails', deviceId: 'noise-17', reading: 78.5, threshold: 70, unit: 'dB' },
      ],
    ])('records a %s report with its own fields', async (channel, channelDetails, expected) => {
      const { complaint } = await submitOk({ ...validInput, channel, channelDetails, complainant: null });
      const res = await gql(details, { id: complaint.id });
      expect(res.data!.complaint).toEqual({ channel, channelDetails: expected });
      expect(complaint.complainant).toMatchObject({ anonymous: true, name: null, phone: null });
    });

    it('recognises a repeat caller by phone and keeps their data once', async () => {
      const phone = '13700001234';
      await submitOk({ ...validInput, complainant: { name: '赵六', phone } });
      const { complaint } = await submitOk({ ...validInput, complainant: { name: '赵六', phone: `+86${phone}` } });
      expect(complaint.complainant).toMatchObject({ name: '赵六', phone, complaintCount: 2 });
    });

    it('keeps nothing personal for an anonymous complainant', async () => {
      const { complaint } = await submitOk({ ...validInput, complainant: { name: '钱七', phone: '13600000000', anonymous: true } });
      expect(complaint.complainant).toEqual({ name: null, phone: null, masked: false, anonymous: true, complaintCount: 0 });
    });
  });

  describe('places', () => {
    const queue = `{ placementQueue(first: 50) { totalCount edges { node { id intakeState } } } }`;
    const place = `mutation($id: ID!, $input: PlaceComplaintInput!) { placeComplaint(id: $id, input: $input) { id intakeState region { id } areaType } }`;

    it('places an address without coordinates by the region names it mentions', async () => {
      const { complaint } = await submitOk({ ...validInput, location: null, address: '樱花园社区12号楼' });
      expect(complaint.region).toEqual({ id: '110199-002-02', level: 'COMMUNITY' });
    });

    it('accepts a place it cannot resolve and queues it for manual placement, then places it by region', async () => {
      const { complaint } = await submitOk({ ...validInput, address: '某地', location: { lat: 40.5, lng: 117.2 } });
      expect(complaint.intakeState).toBe('AWAITING_PLACEMENT');
      expect(complaint.region).toBeNull();
      expect((await gql(queue)).data!.placementQueue.edges.map((e: any) => e.node.id)).toContain(complaint.id);
      const res = await gql(place, { id: complaint.id, input: { regionId: '110199-004-01' } }, testCaller('dispatcher'));
      expect(res.data!.placeComplaint).toEqual({
        id: complaint.id,
        intakeState: 'RECEIVED',
        region: { id: '110199-004-01' },
        areaType: 'RURAL',
      });
      expect((await gql(queue)).data!.placementQueue.edges.map((e: any) => e.node.id)).not.toContain(complaint.id);
      const updated = await waitForEvent(complaint.id, 'intake.complaint.updated');
      expect(updated.data).toMatchObject({ region: { street: '110199-004', community: '110199-004-01', grid: null }, areaType: 'RURAL' });
    });

    it('places by a point inside the district', async () => {
      const { complaint } = await submitOk({ ...validInput, address: '某地', location: { lat: 40.5, lng: 117.2 } });
      const res = await gql(place, { id: complaint.id, input: { location: { lat: 39.91, lng: 116.41 } } });
      expect(res.data!.placeComplaint.region).toEqual({ id: '110199-003-02-1' });
    });

    it.each([
      ['an unknown region', { regionId: '999' }, 'input.regionId'],
      ['both a region and a point', { regionId: '110199-001', location: { lat: 39.87, lng: 116.31 } }, 'input.regionId'],
      ['neither', {}, 'input.regionId'],
      ['a point outside the district', { location: { lat: 10, lng: 10 } }, 'input.location'],
    ])('rejects placing at %s naming the field', async (_, input, field) => {
      const { complaint } = await submitOk({ ...validInput, address: '某地', location: { lat: 40.5, lng: 117.2 } });
      const res = await gql(place, { id: complaint.id, input });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(eventsAbout(complaint.id).filter((e) => e.type === 'intake.complaint.updated')).toHaveLength(0);
    });

    it('lets only agents, dispatchers and admins read the queue', async () => {
      expect((await gql(queue, {}, testCaller('analyst'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('consultations closed at intake', () => {
    it('finds the knowledge-base answer for a question', async () => {
      const res = await gql(`query($t: String!) { searchKnowledge(text: $t) { article { id answer category { id } } score } }`, {
        t: '我的社保卡丢了，怎么补办',
      });
      expect(res.data!.searchKnowledge[0].article).toMatchObject({ id: 'kb-social-security-card', category: { id: 'other' } });
    });

    it('closes a consultation on the spot: announced as closed at intake instead of received, no work order', async () => {
      const { complaint } = await submitOk({
        ...validInput,
        type: 'CONSULTATION',
        categoryId: 'other',
        title: '社保卡补办',
        description: '社保卡丢了怎么补办',
        closeAtIntake: { answer: '请携带身份证到社保网点补办。', knowledgeArticleId: 'kb-social-security-card' },
      });
      expect(complaint.intakeState).toBe('CLOSED_AT_INTAKE');
      const closed = await waitForEvent(complaint.id, 'intake.complaint.closed-at-intake');
      expect(closed.data).toMatchObject({ answer: '请携带身份证到社保网点补办。', knowledgeArticleId: 'kb-social-security-card' });
      expect(eventsAbout(complaint.id).map((e) => e.type)).toEqual(['intake.complaint.closed-at-intake']);
      const res = await gql(`query($id: ID!) { complaint(id: $id) { closedAtIntake { answer knowledgeArticle { id } closedAt } } }`, {
        id: complaint.id,
      });
      expect(res.data!.complaint.closedAtIntake).toEqual({
        answer: '请携带身份证到社保网点补办。',
        knowledgeArticle: { id: 'kb-social-security-card' },
        closedAt: clock.toISOString(),
      });
    });

    it('closes an open complaint later, once', async () => {
      const { complaint } = await submitOk(validInput);
      const close = `mutation($id: ID!) { closeAtIntake(complaintId: $id, input: { answer: "已电话解释收费依据" }) { intakeState } }`;
      expect((await gql(close, { id: complaint.id })).data!.closeAtIntake.intakeState).toBe('CLOSED_AT_INTAKE');
      await waitForEvent(complaint.id, 'intake.complaint.closed-at-intake');
      expect((await gql(close, { id: complaint.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('rejects an unknown complaint id', async () => {
      const res = await gql(
        `mutation { closeAtIntake(complaintId: "0190aaaa-0000-7000-8000-000000000000", input: { answer: "x" }) { id } }`,
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const malformed = await gql(`mutation { closeAtIntake(complaintId: "nope", input: { answer: "x" }) { id } }`);
      expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'complaintId' });
    });
  });

  describe('duplicates', () => {
    const pothole = {
      ...validInput,
      categoryId: 'cooking-fumes',
      title: '烧烤店油烟扰民',
      description: '和平里小区门口烧烤店油烟很大，熏得窗户不敢开',
      address: '和平里',
      location: { lat: 39.87, lng: 116.36 },
    };
    const merge = `mutation($id: ID!, $into: ID!) { mergeComplaints(complaintId: $id, intoComplaintId: $into) { complaint { id intakeState mergedInto { id } } case { id escalatedAt reporters { complaint { id } complainant { name } } } escalated } }`;
    const unmerge = `mutation($id: ID!) { unmergeComplaint(complaintId: $id) { complaint { id intakeState mergedInto { id } } case { id reporters { complaint { id } } } } }`;

    it('returns a nearby, similar report of the same category as a candidate, with reasons', async () => {
      const first = (await submitOk({ ...pothole, complainant: { name: '孙一', phone: '13511112222' } })).complaint;
      const second = await submitOk({
        ...pothole,
        description: '烧烤店的油烟太大了，窗户都不敢开',
        location: { lat: 39.8705, lng: 116.3603 },
        complainant: { name: '周二', phone: '13522223333' },
      });
      const candidate = second.duplicateCandidates.find((c: any) => c.complaint.id === first.id);
      expect(candidate).toBeDefined();
      expect(candidate.reasons).toEqual(expect.arrayContaining(['SAME_CATEGORY', 'NEARBY', 'SIMILAR_TEXT']));
      expect(candidate.distanceMeters).toBeLessThan(100);
      expect(candidate.score).toBeGreaterThan(0.35);
      const again = await gql(`query($id: ID!) { duplicateCandidates(complaintId: $id) { complaint { id } } }`, {
        id: second.complaint.id,
      });
      expect(again.data!.duplicateCandidates.map((c: any) => c.complaint.id)).toContain(first.id);
    });

    it('leaves out reports that are too far, of another category, or outside the time window', async () => {
      const base = (await submitOk(pothole)).complaint;
      const far = await submitOk({ ...pothole, location: { lat: 39.89, lng: 116.39 } });
      expect(far.duplicateCandidates.map((c: any) => c.complaint.id)).not.toContain(base.id);
      const otherCategory = await submitOk({ ...pothole, categoryId: 'noise.commercial' });
      expect(otherCategory.duplicateCandidates.map((c: any) => c.complaint.id)).not.toContain(base.id);
      clock = new Date(clock.getTime() + 100 * 3_600_000);
      const later = await submitOk(pothole);
      expect(later.duplicateCandidates.map((c: any) => c.complaint.id)).not.toContain(base.id);
    });

    it('merges a report into a case with many reporters, and undoes it', async () => {
      const kase = (await submitOk({ ...pothole, complainant: { name: '吴九', phone: '13533334444' } })).complaint;
      const report = (await submitOk({ ...pothole, complainant: { name: '郑十', phone: '13544445555' } })).complaint;
      const merged = await gql(merge, { id: report.id, into: kase.id });
      expect(merged.errors).toBeUndefined();
      expect(merged.data!.mergeComplaints.complaint).toEqual({ id: report.id, intakeState: 'MERGED', mergedInto: { id: kase.id } });
      expect(merged.data!.mergeComplaints.case.reporters.map((r: any) => r.complaint.id)).toEqual([kase.id, report.id]);
      expect(merged.data!.mergeComplaints.escalated).toBe(false);
      expect((await waitForEvent(report.id, 'intake.complaint.merged')).data).toMatchObject({
        complaintId: report.id,
        intoComplaintId: kase.id,
      });

      expect((await gql(merge, { id: report.id, into: kase.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const third = (await submitOk(pothole)).complaint;
      expect((await gql(merge, { id: third.id, into: report.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await gql(merge, { id: kase.id, into: kase.id })).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'intoComplaintId',
      });

      const undone = await gql(unmerge, { id: report.id });
      expect(undone.data!.unmergeComplaint.complaint).toEqual({ id: report.id, intakeState: 'RECEIVED', mergedInto: null });
      expect(undone.data!.unmergeComplaint.case.reporters.map((r: any) => r.complaint.id)).toEqual([kase.id]);
      expect((await waitForEvent(report.id, 'intake.complaint.unmerged')).data).toMatchObject({ fromComplaintId: kase.id });
      expect((await gql(unmerge, { id: report.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('shows a merged reporter the case they joined', async () => {
      const citizen = testCaller('citizen', { sub: 'citizen-42' });
      const kase = (await submitOk(pothole)).complaint;
      const own = (await submitOk(pothole, testCaller('agent', { sub: 'citizen-42', roles: ['agent', 'citizen'] }))).complaint;
      await gql(merge, { id: own.id, into: kase.id });
      const res = await gql(
        `query($id: ID!) { complaint(id: $id) { mergedInto { id } } }`,
        { id: own.id },
        { ...citizen, roles: ['citizen'] },
      );
      expect(res.data!.complaint.mergedInto).toEqual({ id: kase.id });
    });

    it('escalates a case when the same caller reports it a third time', async () => {
      const caller = { name: '冯十一', phone: '13555556666' };
      const kase = (await submitOk({ ...pothole, complainant: caller })).complaint;
      const second = (await submitOk({ ...pothole, complainant: caller })).complaint;
      const third = (await submitOk({ ...pothole, complainant: caller })).complaint;
      expect((await gql(merge, { id: second.id, into: kase.id })).data!.mergeComplaints.escalated).toBe(false);
      const res = await gql(merge, { id: third.id, into: kase.id });
      expect(res.data!.mergeComplaints.escalated).toBe(true);
      expect(res.data!.mergeComplaints.case.escalatedAt).toBe(clock.toISOString());
      expect((await waitForEvent(kase.id, 'intake.complaint.repeat-escalated')).data).toMatchObject({ complaintId: kase.id, calls: 3 });
    });

    it('refuses merging for an analyst', async () => {
      const a = (await submitOk(pothole)).complaint;
      const b = (await submitOk(pothole)).complaint;
      expect((await gql(merge, { id: b.id, into: a.id }, testCaller('analyst'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('corrections before dispatch', () => {
    const update = `mutation($id: ID!, $input: UpdateComplaintInput!) { updateComplaint(id: $id, input: $input) { id category { id } title urgency dispatchedAt } }`;
    const dispatched = (complaintId: string) =>
      createEvent(WorkOrderDispatched, {
        subject: complaintId,
        district: '110199',
        actor: 'system:dispatch',
        data: {
          workOrderId: 'wo-1',
          complaintId,
          unitId: 'unit-110199-001',
          ruleId: null,
          ruleVersion: null,
          role: 'LEAD',
          categoryId: 'property.fees',
          urgency: 'GENERAL',
          areaType: null,
          dispatchedAt: '2026-03-09T09:00:00.000Z',
        },
      });

    it('corrects the category, announcing only what changed', async () => {
      const { complaint } = await submitOk(validInput);
      const res = await gql(update, { id: complaint.id, input: { categoryId: 'property.service', title: '物业服务差' } });
      expect(res.data!.updateComplaint).toMatchObject({ category: { id: 'property.service' }, title: '物业服务差' });
      const event = await waitForEvent(complaint.id, 'intake.complaint.updated');
      expect(event.data).toEqual({ complaintId: complaint.id, categoryId: 'property.service', updatedAt: clock.toISOString() });
    });

    it('refuses corrections once dispatch has sent it out, and a redelivered dispatch changes nothing', async () => {
      const { complaint } = await submitOk(validInput);
      const event = dispatched(complaint.id);
      await bus.publish([toBusMessage(event)]);
      const at = `query($id: ID!) { complaint(id: $id) { dispatchedAt intakeState } }`;
      await waitFor(async () => (await gql(at, { id: complaint.id })).data!.complaint.dispatchedAt, 'dispatchedAt');
      // The same envelope id again, even with other data, is recognised by the inbox and skipped.
      await bus.publish([toBusMessage({ ...event, data: { ...event.data, dispatchedAt: '2026-03-10T09:00:00.000Z' } })]);
      const later = createEvent(ComplaintReceived, {
        subject: complaint.id,
        district: '110199',
        actor: 'x',
        data: {
          complaintId: complaint.id,
          channel: 'HOTLINE',
          categoryId: 'other',
          type: 'HELP',
          urgency: 'GENERAL',
          region: { district: '110199', street: null, community: null, grid: null },
          areaType: null,
          location: null,
          receivedAt: clock.toISOString(),
        },
      });
      await bus.publish([toBusMessage(later)]);
      await waitFor(() => received.find((m) => parseEnvelope(m.value).id === later.id), 'a later message on the topic');
      expect((await gql(at, { id: complaint.id })).data!.complaint).toEqual({
        dispatchedAt: '2026-03-09T09:00:00.000Z',
        intakeState: 'DISPATCHED',
      });
      const res = await gql(update, { id: complaint.id, input: { title: '改一下' } });
      expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const close = await gql(`mutation($id: ID!) { closeAtIntake(complaintId: $id, input: { answer: "x" }) { id } }`, {
        id: complaint.id,
      });
      expect(close.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it.each([
      ['no change at all', {}, 'input'],
      ['an empty title', { title: '' }, 'input.title'],
      ['an unknown category', { categoryId: 'nope' }, 'input.categoryId'],
    ])('rejects %s naming the field', async (_, input, field) => {
      const { complaint } = await submitOk(validInput);
      const res = await gql(update, { id: complaint.id, input });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('refuses corrections by an analyst', async () => {
      const { complaint } = await submitOk(validInput);
      expect((await gql(update, { id: complaint.id, input: { title: 'x' } }, testCaller('analyst'))).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
    });
  });

  describe('finding complaints', () => {
    it('searches Chinese text, newest first, every word required', async () => {
      const { complaint } = await submitOk({
        ...validInput,
        categoryId: 'construction-noise.night',
        title: '工地夜间打桩',
        description: '凌晨两点工地还在打桩，吵得孩子睡不着',
      });
      const search = `query($t: String!) { searchComplaints(text: $t, first: 5) { totalCount edges { node { id } } } }`;
      const hit = await gql(search, { t: '打桩' });
      expect(hit.data!.searchComplaints.edges[0].node.id).toBe(complaint.id);
      expect((await gql(search, { t: '工地 孩子' })).data!.searchComplaints.edges.map((e: any) => e.node.id)).toContain(complaint.id);
      expect((await gql(search, { t: '打桩 油烟' })).data!.searchComplaints.totalCount).toBe(0);
      expect((await gql(search, { t: ' ' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
    });

    it('filters by a category and everything below it, paging with a cursor', async () => {
      const page = `query($after: String) { complaints(filter: { categoryId: "property" }, first: 2, after: $after) { totalCount edges { cursor node { category { id } } } pageInfo { hasNextPage endCursor } } }`;
      const first = (await gql(page)).data!.complaints;
      expect(first.totalCount).toBeGreaterThan(2);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = (await gql(page, { after: first.pageInfo.endCursor })).data!.complaints;
      expect(second.edges[0].cursor).not.toBe(first.edges[1].cursor);
      for (const e of [...first.edges, ...second.edges]) expect(e.node.category.id).toMatch(/^property/);
    });

    it('resolves complaints as entities for the other subgraphs', async () => {
      const { complaint } = await submitOk(validInput);
      const res = await gql(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Complaint { id title intakeState complainant { masked } } } }`,
        { r: [{ __typename: 'Complaint', id: complaint.id }] },
        testCaller('dispatcher'),
      );
      expect(res.data!._entities).toEqual([
        { id: complaint.id, title: '物业乱收费', intakeState: 'RECEIVED', complainant: { masked: true } },
      ]);
    });
  });

  describe('the taxonomy', () => {
    const admin = testCaller('admin');
    it('lists the taxonomy from its top level down', async () => {
      const res = await gql(`{ categories { id name children { id } } }`);
      expect(res.data!.categories[0]).toEqual({
        id: 'property',
        name: '物业管理',
        children: [{ id: 'property.service' }, { id: 'property.fees' }, { id: 'property.repair' }],
      });
    });

    it('lets an admin create, rename and move a category', async () => {
      const created = await gql(
        `mutation { createCategory(input: { id: "noise.traffic", name: "交通噪声", parentId: "noise" }) { id name parent { id } } }`,
        {},
        admin,
      );
      expect(created.data!.createCategory).toEqual({ id: 'noise.traffic', name: '交通噪声', parent: { id: 'noise' } });
      const renamed = await gql(`mutation { renameCategory(id: "noise.traffic", name: "道路交通噪声") { name } }`, {}, admin);
      expect(renamed.data!.renameCategory.name).toBe('道路交通噪声');
      const moved = await gql(`mutation { moveCategory(id: "noise.traffic", parentId: "traffic") { id parent { id } } }`, {}, admin);
      expect(moved.data!.moveCategory).toEqual({ id: 'noise.traffic', parent: { id: 'traffic' } });
      const { complaint } = await submitOk({ ...validInput, categoryId: 'noise.traffic' });
      const listed = await gql(`{ complaints(filter: { categoryId: "traffic" }, first: 50) { edges { node { id } } } }`);
      expect(listed.data!.complaints.edges.map((e: any) => e.node.id)).toContain(complaint.id);
    });

    it.each([
      ['a move under its own child', `mutation { moveCategory(id: "property", parentId: "property.fees") { id } }`, 'parentId'],
      [
        'an id of four parts',
        `mutation { createCategory(input: { id: "property.fees.deep.x", name: "x", parentId: "property.fees" }) { id } }`,
        'input.id',
      ],
      [
        'a move making the taxonomy four levels deep',
        `mutation { moveCategory(id: "utilities", parentId: "traffic.parking") { id } }`,
        'parentId',
      ],
      [
        'a parent that does not exist',
        `mutation { createCategory(input: { id: "x-new", name: "x", parentId: "nope" }) { id } }`,
        'input.parentId',
      ],
      ['a malformed id', `mutation { createCategory(input: { id: "Bad Id", name: "x" }) { id } }`, 'input.id'],
      ['an empty name', `mutation { renameCategory(id: "other", name: " ") { id } }`, 'name'],
      ['an unknown category', `mutation { renameCategory(id: "nope", name: "x") { id } }`, 'id'],
    ])('rejects %s naming the field', async (_, mutation, field) => {
      const res = await gql(mutation, {}, admin);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('refuses taxonomy edits by anyone but an admin', async () => {
      const res = await gql(`mutation { renameCategory(id: "other", name: "杂项") { id } }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});
