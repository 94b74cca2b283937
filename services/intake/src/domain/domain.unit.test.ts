import { channelDetailsFromInput } from './channels';
import { phoneHash } from './complainant';
import { decideUrgency, whyNotEditable, type ComplaintRecord } from './complaint';
import { callsBySameCaller, findDuplicates, scoreDuplicate, REPEAT_CALL_THRESHOLD } from './duplicates';
import { rankKnowledge } from './knowledge';
import { bigramJaccard, queryTokens, searchTokens } from './text';
import { categoryDescendants, validateMove, type CategoryRecord } from './categories';
import type { ClassificationSuggestion } from '../classifier/classifier';
import { demoKnowledge, demoRegions } from '../demo/load';
import { RegionMap } from './regions';

const at = (iso: string) => new Date(iso);
/** A builder: a plain open complaint, changed where a test says. */
const complaint = (over: Partial<ComplaintRecord> = {}): ComplaintRecord => ({
  id: 'c-1',
  district: '110199',
  channel: 'HOTLINE',
  channelDetails: null,
  type: 'COMPLAINT',
  urgency: 'GENERAL',
  categoryId: 'cooking-fumes',
  suggestedCategoryId: null,
  categoryConfidence: null,
  suggestedType: null,
  suggestedUrgency: null,
  emergencyRule: null,
  title: '烧烤店油烟扰民',
  description: '小区门口烧烤店油烟很大，窗户不敢开',
  searchText: '',
  address: null,
  lat: 39.87,
  lng: 116.36,
  streetId: '110199-002',
  communityId: '110199-002-01',
  gridId: '110199-002-01-1',
  areaType: 'BUILT_UP',
  anonymous: true,
  complainantId: null,
  status: 'RECEIVED',
  dispatchedAt: null,
  mergedIntoId: null,
  mergedAt: null,
  closedAnswer: null,
  knowledgeArticleId: null,
  closedAt: null,
  escalatedAt: null,
  receivedAt: at('2026-03-02T08:00:00Z'),
  receivedBy: 'agent-1',
  updatedAt: at('2026-03-02T08:00:00Z'),
  ...over,
});
const settings = { radiusMeters: 300, windowHours: 72, minScore: 0.35 };

describe('duplicate candidates', () => {
  const subject = complaint({ id: 'new', receivedAt: at('2026-03-03T08:00:00Z') });

  it('given a near, similar report of the same category, then it is a candidate with every reason', () => {
    const c = scoreDuplicate(subject, complaint({ lat: 39.8701, lng: 116.3601 }), settings)!;
    expect(c.reasons).toEqual(['SAME_CATEGORY', 'NEARBY', 'SIMILAR_TEXT']);
    expect(c.distanceMeters).toBeLessThan(20);
    expect(c.score).toBeGreaterThan(0.8);
  });

  it('given a sub-category of the same top level, then it is related', () => {
    const s = complaint({ id: 'new', categoryId: 'noise.commercial' });
    expect(scoreDuplicate(s, complaint({ categoryId: 'noise.residential' }), settings)!.reasons).toContain('RELATED_CATEGORY');
  });

  it.each([
    ['another top-level category', complaint({ categoryId: 'traffic.parking' })],
    ['beyond the radius', complaint({ lat: 39.88, lng: 116.37 })],
    ['outside the time window', complaint({ receivedAt: at('2026-02-20T08:00:00Z') })],
    ['another district', complaint({ district: '110105' })],
    ['itself', complaint({ id: 'new' })],
    ['no point and another community', complaint({ lat: null, lng: null, communityId: 'x', gridId: 'y' })],
  ])('given a report in %s, then it is not a candidate', (_, other) => {
    expect(scoreDuplicate(subject, other, settings)).toBeNull();
  });

  it('given no point but the same grid, then the place counts as shared', () => {
    expect(scoreDuplicate(subject, complaint({ lat: null, lng: null }), settings)!.reasons).toContain('SAME_PLACE');
  });

  it('given dissimilar wording far within the radius, then the score stays under the minimum', () => {
    expect(scoreDuplicate(subject, complaint({ title: '快餐店', description: '排风扇', lat: 39.8725, lng: 116.362 }), settings)).toBeNull();
  });

  it('given the same caller, then the reason is given', () => {
    expect(scoreDuplicate(complaint({ id: 'new', complainantId: 'p' }), complaint({ complainantId: 'p' }), settings)!.reasons).toContain(
      'SAME_CALLER',
    );
  });

  it('when candidates are listed, then merged reports are left out and the best comes first', () => {
    const near = complaint({ id: 'near', lat: 39.8701, lng: 116.3601 });
    const farther = complaint({ id: 'farther', lat: 39.8715, lng: 116.3615 });
    const merged = complaint({ id: 'merged', mergedIntoId: 'near' });
    expect(findDuplicates(subject, [farther, merged, near], settings).map((c) => c.complaint.id)).toEqual(['near', 'farther']);
  });

  it('given the same caller three times in one case, then the threshold is reached', () => {
    const group = [
      complaint({ complainantId: 'p' }),
      complaint({ complainantId: 'q' }),
      complaint({ complainantId: 'p' }),
      complaint({ complainantId: 'p' }),
    ];
    expect(callsBySameCaller('p', group)).toBe(REPEAT_CALL_THRESHOLD);
    expect(callsBySameCaller(null, group)).toBe(0);
  });
});

describe('channel details', () => {
  it('given a hotline call, then the agent is the caller and a withheld number is null', () => {
    expect(channelDetailsFromInput('HOTLINE', { hotline: { callId: 'c1' } }, 'agent-7')).toEqual({
      ok: true,
      details: { channel: 'HOTLINE', callId: 'c1', callerNumber: null, agentId: 'agent-7' },
    });
  });

  it('given no details, then none are recorded', () => {
    expect(channelDetailsFromInput('WEB', null, 'a')).toEqual({ ok: true, details: null });
  });

  it('given details of another channel, then the stray member is named', () => {
    expect(channelDetailsFromInput('SENSOR', { hotline: { callId: 'c1' } }, 'a')).toMatchObject({ ok: false, path: 'hotline' });
  });

  it('given a sensor without a numeric reading, then the field is named', () => {
    expect(channelDetailsFromInput('SENSOR', { sensor: { deviceId: 'd', reading: 'loud', threshold: 1 } }, 'a')).toMatchObject({
      ok: false,
      path: 'sensor.reading',
    });
  });
});

describe('complainants', () => {
  it('given the same number written differently, then the hash is the same', () => {
    expect(phoneHash('+86 138-1234-5678')).toBe(phoneHash('13812345678'));
    expect(phoneHash('13812345678')).not.toBe(phoneHash('13812345679'));
  });
});

describe('urgency and corrections', () => {
  const suggestion = (
    emergency: ClassificationSuggestion['emergency'],
    urgency: 'URGENT' | 'GENERAL' = 'GENERAL',
  ): ClassificationSuggestion => ({
    category: { value: 'other', confidence: 1 },
    alternatives: [],
    type: { value: 'HELP', confidence: 1 },
    urgency: { value: urgency, confidence: 1 },
    emergency,
  });
  it('given an emergency, then URGENT wins over the agent', () =>
    expect(decideUrgency('GENERAL', suggestion('fire', 'URGENT'))).toBe('URGENT'));
  it('given no emergency, then the agent wins over the suggestion', () =>
    expect(decideUrgency('COMPLEX', suggestion(null))).toBe('COMPLEX'));
  it('given no choice, then the suggestion is taken', () => expect(decideUrgency(null, suggestion(null, 'URGENT'))).toBe('URGENT'));
  it.each([
    ['dispatched', { dispatchedAt: at('2026-03-02T09:00:00Z') }],
    ['closed at intake', { status: 'CLOSED_AT_INTAKE' as const }],
    ['merged', { mergedIntoId: 'x' }],
  ])('given a complaint %s, then it is not editable', (_, over) => expect(whyNotEditable(complaint(over))).not.toBeNull());
  it('given an open complaint, then it is editable', () => expect(whyNotEditable(complaint())).toBeNull());
});

describe('Chinese text search', () => {
  it('when a text is tokenised, then words and bigrams are stored once each', () => {
    const tokens = searchTokens('油烟油烟').split(' ');
    expect(tokens).toContain('油烟');
    expect(new Set(tokens).size).toBe(tokens.length);
  });
  it('when a query is tokenised, then Han runs become bigrams and other words stay, stripped of query operators', () => {
    expect(queryTokens('工地打桩 PM2.5')).toEqual(expect.arrayContaining(['工地', '地打', '打桩', 'pm2.5']));
    expect(queryTokens('a&b|c')).not.toContain('&');
    expect(queryTokens('桩')).toEqual(['桩']);
  });
  it('when texts share wording, then their bigram similarity is higher', () => {
    expect(bigramJaccard('烧烤店油烟', '烧烤店油烟大')).toBeGreaterThan(bigramJaccard('烧烤店油烟', '物业收费'));
    expect(bigramJaccard('', '物业')).toBe(0);
  });
});

describe('knowledge base', () => {
  it('given a question about a lost card, then the card article ranks first', () => {
    expect(rankKnowledge('社保卡丢了怎么补办', demoKnowledge())[0]!.article.id).toBe('kb-social-security-card');
  });
  it('given an unrelated text, then nothing matches', () => {
    expect(rankKnowledge('今天天气不错', demoKnowledge())).toEqual([]);
  });
});

describe('taxonomy edits', () => {
  const all: CategoryRecord[] = [
    { id: 'a', name: 'A', parentId: null, position: 0 },
    { id: 'a.b', name: 'B', parentId: 'a', position: 0 },
    { id: 'a.b.c', name: 'C', parentId: 'a.b', position: 0 },
    { id: 'd', name: 'D', parentId: null, position: 1 },
  ];
  it('given the tree, then descendants follow parent links', () => expect(categoryDescendants(all, 'a')).toEqual(['a', 'a.b', 'a.b.c']));
  it('given a move under its own descendant, then it is refused', () => expect(validateMove(all, 'a', 'a.b.c')).toMatch(/itself/));
  it('given a move that deepens the tree past three levels, then it is refused', () =>
    expect(validateMove(all, 'a', 'd')).toMatch(/3 levels/));
  it('given a move to the top, then it is allowed', () => expect(validateMove(all, 'a.b', null)).toBeNull());
  it('given an unknown parent, then it is refused', () => expect(validateMove(all, 'd', 'zz')).toMatch(/unknown/));
});

describe('placing an address', () => {
  const map = new RegionMap(demoRegions());
  it('given a community named in the address, then it is placed there', () =>
    expect(map.locateAddress('110199', '安华里社区3号楼')?.communityId).toBe('110199-001-01'));
  it('given the name without 社区, then it is still found', () =>
    expect(map.locateAddress('110199', '和平里5号院')?.communityId).toBe('110199-002-01'));
  it('given no known name, then it is not placed', () => expect(map.locateAddress('110199', '某某路1号')).toBeNull());
});
