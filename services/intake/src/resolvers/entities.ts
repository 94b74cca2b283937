import type { RequestCaller } from '@hotline/shared';
import { maskName, maskPhone, seesPersonalData, type ComplaintRecord } from '../domain/complaint';
import type { EmergencyRuleId } from '../classifier/emergency';
import type { IntakeContext } from '../context';
import type {
  CategoryResolvers,
  ChannelDetailsResolvers,
  ClassificationSuggestionResolvers,
  Complainant as ComplainantView,
  ComplaintClassificationResolvers,
  ComplaintResolvers,
  EmergencyRule,
  IntakeClosureResolvers,
  KnowledgeArticleResolvers,
  RegionResolvers,
  ReporterResolvers,
} from '../generated/graphql';

const emergencyRule = (id: string | null): EmergencyRule | null =>
  id === null
    ? null
    : (({ 'gas-leak': 'GAS_LEAK', fire: 'FIRE', trapped: 'TRAPPED' } as const satisfies Record<EmergencyRuleId, EmergencyRule>)[
        id as EmergencyRuleId
      ] ?? null);

/** Name and phone shown in full only to those who need them (see seesPersonalData), masked for the rest. */
async function complainantOf(c: ComplaintRecord, caller: RequestCaller, loaders: IntakeContext['loaders']): Promise<ComplainantView> {
  const person = c.complainantId ? await loaders.complainant.load(c.complainantId) : null;
  if (!person) return { anonymous: true, masked: false, name: null, phone: null, complaintCount: 0 };
  const full = seesPersonalData(caller, c);
  return {
    anonymous: false,
    masked: !full,
    name: person.name && (full ? person.name : maskName(person.name)),
    phone: person.phone && (full ? person.phone : maskPhone(person.phone)),
    complaintCount: (await loaders.complaintCount.load(person.id))?.count ?? 0,
  };
}

export const Complaint: ComplaintResolvers = {
  async __resolveReference({ id }, { caller, intake, loaders }) {
    const complaint = await loaders.complaint.load(id);
    return complaint && intake.canRead(caller, complaint) ? complaint : null;
  },
  category: async (c, _, { loaders }) => (await loaders.category.load(c.categoryId))!,
  location: (c) => (c.lat !== null && c.lng !== null ? { lat: c.lat, lng: c.lng } : null),
  region: (c, _, { regions }) => regions.get(c.gridId ?? c.communityId ?? c.streetId ?? '') ?? null,
  receivedAt: (c) => c.receivedAt.toISOString(),
  complainant: (c, _, { caller, loaders }) => complainantOf(c, caller, loaders),
  channelDetails(c, _, { caller }) {
    const d = c.channelDetails;
    if (d?.channel === 'HOTLINE' && d.callerNumber && !seesPersonalData(caller, c))
      return { ...d, callerNumber: maskPhone(d.callerNumber) };
    return d;
  },
  classification: (c) => c,
  intakeState(c) {
    if (c.mergedIntoId) return 'MERGED';
    if (c.status === 'CLOSED_AT_INTAKE') return 'CLOSED_AT_INTAKE';
    if (c.dispatchedAt) return 'DISPATCHED';
    return c.streetId ? 'RECEIVED' : 'AWAITING_PLACEMENT';
  },
  dispatchedAt: (c) => c.dispatchedAt?.toISOString() ?? null,
  escalatedAt: (c) => c.escalatedAt?.toISOString() ?? null,
  closedAtIntake: (c) => (c.status === 'CLOSED_AT_INTAKE' ? c : null),
  // A reporter whose report was merged follows the outcome on the case, so the case is shown to whoever sees the report.
  mergedInto: (c, _, { loaders }) => (c.mergedIntoId ? loaders.complaint.load(c.mergedIntoId) : null),
  reporters: async (c, _, { loaders }) => [c, ...(await loaders.mergedInto.load(c.id))],
};

export const Reporter: ReporterResolvers = {
  complaint: (c) => c,
  complainant: (c, _, { caller, loaders }) => complainantOf(c, caller, loaders),
  reportedAt: (c) => c.receivedAt.toISOString(),
};

export const ComplaintClassification: ComplaintClassificationResolvers = {
  suggestedCategory: (c, _, { loaders }) => (c.suggestedCategoryId ? loaders.category.load(c.suggestedCategoryId) : null),
  categoryConfidence: (c) => c.categoryConfidence,
  categoryOverridden: (c) => c.suggestedCategoryId !== null && c.suggestedCategoryId !== c.categoryId,
  suggestedType: (c) => c.suggestedType,
  suggestedUrgency: (c) => c.suggestedUrgency,
  emergencyRule: (c) => emergencyRule(c.emergencyRule),
};

export const IntakeClosure: IntakeClosureResolvers = {
  answer: (c) => c.closedAnswer!,
  knowledgeArticle: (c, _, { loaders }) => (c.knowledgeArticleId ? loaders.knowledge.load(c.knowledgeArticleId) : null),
  closedAt: (c) => c.closedAt!.toISOString(),
};

export const ChannelDetails: ChannelDetailsResolvers = {
  __resolveType(d) {
    switch (d.channel) {
      case 'HOTLINE':
        return 'HotlineDetails';
      case 'WEB':
      case 'APP':
      case 'WECHAT':
      case 'WEIBO':
        return 'OnlineDetails';
      case 'LEADER_BOARD':
        return 'LeaderBoardDetails';
      case 'GRID_PATROL':
        return 'GridPatrolDetails';
      case 'SENSOR':
        return 'SensorDetails';
      default: {
        const never: never = d;
        return never;
      }
    }
  },
};

export const ClassificationSuggestion: ClassificationSuggestionResolvers = {
  category: async (s, _, { loaders }) => ({
    category: (await loaders.category.load(s.category.value))!,
    confidence: s.category.confidence,
  }),
  async alternatives(s, _, { loaders }) {
    const categories = await Promise.all(s.alternatives.map((a) => loaders.category.load(a.value)));
    return s.alternatives.flatMap((a, i) => (categories[i] ? [{ category: categories[i], confidence: a.confidence }] : []));
  },
  type: (s) => ({ type: s.type.value, confidence: s.type.confidence }),
  urgency: (s) => ({ urgency: s.urgency.value, confidence: s.urgency.confidence, rule: emergencyRule(s.emergency) }),
};

export const KnowledgeArticle: KnowledgeArticleResolvers = {
  category: (a, _, { loaders }) => (a.categoryId ? loaders.category.load(a.categoryId) : null),
};

export const Region: RegionResolvers = {
  __resolveReference: ({ id }, { regions }) => regions.get(id) ?? null,
  parent: (r, _, { regions }) => (r.parentId ? (regions.get(r.parentId) ?? null) : null),
  path: (r, _, { regions }) => regions.path(r.id),
};

export const Category: CategoryResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.category.load(id),
  parent: (c, _, { loaders }) => (c.parentId ? loaders.category.load(c.parentId) : null),
  children: (c, _, { loaders }) => loaders.categoryChildren.load(c.id),
};
