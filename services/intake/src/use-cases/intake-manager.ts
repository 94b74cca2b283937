import {
  badInput,
  ComplaintClosedAtIntake,
  ComplaintMerged,
  ComplaintReceived,
  ComplaintUnmerged,
  ComplaintUpdated,
  conflict,
  createEvent,
  currentTraceparent,
  decodeCursor,
  newId,
  notFound,
  pageArgs,
  parseInput,
  RepeatCallEscalated,
  requireDistrict,
  requireRole,
  toConnection,
  writeOutbox,
  type Envelope,
  type EventContract,
  type Caller,
  type RequestCaller,
} from '@hotline/shared';
import { z } from 'zod';
import {
  closeAtIntakeInput,
  decideUrgency,
  geoPointInput,
  newComplaint,
  submitComplaintInput,
  updateComplaintInput,
  whyNotEditable,
  type ComplaintRecord,
} from '../domain/complaint';
import { channelDetailsFromInput } from '../domain/channels';
import { phoneHash, type ComplainantRecord } from '../domain/complainant';
import {
  callsBySameCaller,
  findDuplicates,
  REPEAT_CALL_THRESHOLD,
  type DuplicateCandidate,
  type DuplicateSettings,
} from '../domain/duplicates';
import { rankKnowledge } from '../domain/knowledge';
import { queryTokens, searchTokens } from '../domain/text';
import { categoryDescendants, validateMove, newCategoryInput } from '../domain/categories';
import type { Placement, RegionMap } from '../domain/regions';
import type { ClassificationSuggestion, ComplaintClassifier } from '../classifier/classifier';
import type { IntakeStore, IntakeTx } from '../store/intake-store';

export interface IntakeManagerDeps {
  store: IntakeStore;
  regions: () => RegionMap;
  classifier: ComplaintClassifier;
  duplicates: DuplicateSettings;
  now: () => Date;
  /** Wakes the outbox relay after a commit. */
  published: () => void;
}

export interface SubmitResult {
  complaint: ComplaintRecord;
  suggestion: ClassificationSuggestion;
  duplicateCandidates: DuplicateCandidate[];
}

export interface MergeResult {
  complaint: ComplaintRecord;
  case: ComplaintRecord;
  escalated: boolean;
}

const readers = ['agent', 'dispatcher', 'handler', 'supervisor', 'analyst', 'admin', 'city'] as const;
const editors = ['agent', 'dispatcher', 'admin'] as const;

const complaintFilter = z
  .object({
    channel: z.string().nullish(),
    categoryId: z.string().nullish(),
    urgency: z.string().nullish(),
    regionId: z.string().nullish(),
    receivedFrom: z.coerce.date().nullish(),
    receivedTo: z.coerce.date().nullish(),
  })
  .nullish();
const suggestText = z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');
const knowledgeText = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const searchText = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const categoryName = z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters');
const placeInput = z
  .object({ regionId: z.string().trim().min(1, 'must not be empty').nullish(), location: geoPointInput.nullish() })
  .refine((x) => Boolean(x.regionId) !== Boolean(x.location), { message: 'give either a regionId or a location', path: ['regionId'] });
const uuid = z.string().uuid('must be a complaint id');

/** Intake's use cases: each authorizes, applies the domain's rules, and writes with its events in one transaction. */
export function createIntakeManager(deps: IntakeManagerDeps) {
  const { store } = deps;

  const regionPathOf = (c: ComplaintRecord) => ({ district: c.district, street: c.streetId, community: c.communityId, grid: c.gridId });
  const locationOf = (c: ComplaintRecord) => (c.lat !== null && c.lng !== null ? { lat: c.lat, lng: c.lng } : null);
  const event = <C extends EventContract>(contract: C, c: ComplaintRecord, actor: string, data: z.infer<C['data']>) =>
    createEvent(contract, { subject: c.id, district: c.district, actor, traceparent: currentTraceparent(), occurredAt: deps.now(), data });

  async function commit(fn: (tx: IntakeTx) => Promise<Envelope[]>): Promise<void> {
    await store.transaction(async (tx) => writeOutbox(tx, await fn(tx)));
    deps.published();
  }

  /** A complaint the caller may act on: it exists and lies in their district. */
  async function loadOwn(caller: Caller, id: string, field: string): Promise<ComplaintRecord> {
    parseInput(uuid, id, field);
    const [c] = await store.complaintsByIds([id]);
    // Another district's complaint is reported as missing, not forbidden, so ids cannot be probed.
    if (!c || (c.district !== caller.district && !caller.roles.includes('city'))) throw notFound('complaint', id);
    return c;
  }

  async function requireCategory(id: string, field: string) {
    const [category] = await store.categoriesByIds([id]);
    if (!category) throw badInput(field, `unknown category "${id}"`);
    return category;
  }

  async function categoryFamily(categoryId: string): Promise<string[]> {
    const all = await store.allCategories();
    return categoryDescendants(all, categoryId.split('.')[0]!);
  }

  async function duplicatesOf(c: ComplaintRecord): Promise<DuplicateCandidate[]> {
    const window = deps.duplicates.windowHours * 3_600_000;
    const pool = await store.duplicatePool(
      c.district,
      await categoryFamily(c.categoryId),
      new Date(c.receivedAt.getTime() - window),
      new Date(c.receivedAt.getTime() + window),
    );
    return findDuplicates(c, pool, deps.duplicates);
  }

  /** Finds the caller by phone (stored once), or records them; null for an anonymous report. */
  async function complainantFor(
    tx: IntakeTx,
    district: string,
    person: { name?: string | null; phone?: string | null; anonymous: boolean },
  ): Promise<string | null> {
    if (person.anonymous || (!person.name && !person.phone)) return null;
    if (person.phone) {
      const hash = phoneHash(person.phone);
      const known = await store.complainantByPhoneHash(tx, district, hash);
      if (known) {
        if (person.name && person.name !== known.name) await store.renameComplainant(tx, known.id, person.name);
        return known.id;
      }
      const record: ComplainantRecord = {
        id: newId(),
        district,
        phoneHash: hash,
        name: person.name ?? null,
        phone: person.phone,
        createdAt: deps.now(),
      };
      await store.insertComplainant(tx, record);
      return record.id;
    }
    const record: ComplainantRecord = {
      id: newId(),
      district,
      phoneHash: null,
      name: person.name ?? null,
      phone: null,
      createdAt: deps.now(),
    };
    await store.insertComplainant(tx, record);
    return record.id;
  }

  const placeText = (district: string, location: { lat: number; lng: number } | null, address: string | null): Placement | null =>
    (location ? deps.regions().locate(location.lat, location.lng) : null) ??
    (address ? deps.regions().locateAddress(district, address) : null);

  return {
    suggest(caller: RequestCaller, text: unknown): ClassificationSuggestion {
      requireRole(caller, ...readers);
      return deps.classifier.suggest(parseInput(suggestText, text, 'text'));
    },

    /**
     * Takes in a complaint: validated, classified, placed, its complainant recognised, stored and announced
     * in one transaction. Closed on the spot, it is announced as closed at intake instead of received,
     * so dispatch never sees it.
     */
    async submitComplaint(caller: RequestCaller, rawInput: unknown): Promise<SubmitResult> {
      const agent = requireRole(caller, 'agent', 'admin');
      const input = parseInput(submitComplaintInput, rawInput, 'input');
      const details = channelDetailsFromInput(input.channel, input.channelDetails, agent.sub);
      if (!details.ok) throw badInput(`input.channelDetails.${details.path}`, details.message);
      const suggestion = deps.classifier.suggest(`${input.title}。${input.description}`);
      if (input.categoryId) await requireCategory(input.categoryId, 'input.categoryId');
      else if (!(await store.categoriesByIds([suggestion.category.value])).length)
        throw badInput('input.categoryId', 'is required: the suggested category is not in the taxonomy');
      if (input.closeAtIntake?.knowledgeArticleId && !(await store.knowledgeByIds([input.closeAtIntake.knowledgeArticleId])).length)
        throw badInput('input.closeAtIntake.knowledgeArticleId', `unknown knowledge article "${input.closeAtIntake.knowledgeArticleId}"`);
      // An unresolved place is still taken in; it waits in the placement queue.
      const placement = placeText(agent.district, input.location, input.address);
      const now = deps.now();
      let complaint!: ComplaintRecord;
      await commit(async (tx) => {
        const complainantId = await complainantFor(tx, agent.district, input.complainant);
        complaint = newComplaint({
          id: newId(),
          input,
          categoryId: input.categoryId ?? suggestion.category.value,
          type: input.type ?? suggestion.type.value,
          urgency: decideUrgency(input.urgency, suggestion),
          suggestion,
          channelDetails: details.details,
          placement,
          complainantId,
          searchText: searchTokens(input.title, input.description),
          caller: agent,
          now,
        });
        await store.insertComplaint(tx, complaint);
        if (complaint.status === 'CLOSED_AT_INTAKE')
          return [
            event(ComplaintClosedAtIntake, complaint, agent.sub, {
              complaintId: complaint.id,
              answer: complaint.closedAnswer!,
              knowledgeArticleId: complaint.knowledgeArticleId,
              closedAt: now.toISOString(),
            }),
          ];
        return [
          event(ComplaintReceived, complaint, agent.sub, {
            complaintId: complaint.id,
            channel: complaint.channel,
            categoryId: complaint.categoryId,
            type: complaint.type,
            urgency: complaint.urgency,
            region: regionPathOf(complaint),
            areaType: complaint.areaType,
            location: locationOf(complaint),
            receivedAt: complaint.receivedAt.toISOString(),
          }),
        ];
      });
      const duplicateCandidates = complaint.status === 'RECEIVED' ? await duplicatesOf(complaint) : [];
      return { complaint, suggestion, duplicateCandidates };
    },

    /** Corrects a complaint before dispatch; the event carries only the routing fields that changed. */
    async updateComplaint(caller: RequestCaller, id: string, rawInput: unknown): Promise<ComplaintRecord> {
      const editor = requireRole(caller, ...editors);
      const input = parseInput(updateComplaintInput, rawInput, 'input');
      const current = await loadOwn(editor, id, 'id');
      const why = whyNotEditable(current);
      if (why) throw conflict(`complaint ${id} cannot be corrected: ${why}`);
      if (input.categoryId) await requireCategory(input.categoryId, 'input.categoryId');
      const title = input.title ?? current.title;
      const description = input.description ?? current.description;
      const location = input.location ?? locationOf(current);
      const address = input.address ?? current.address;
      const replace = Boolean(input.location) || (input.address !== undefined && input.address !== null);
      const placement = replace ? placeText(current.district, location, address) : null;
      const suggestion = deps.classifier.suggest(`${title}。${description}`);
      const urgency = input.urgency ? decideUrgency(input.urgency, suggestion) : suggestion.emergency ? 'URGENT' : current.urgency;
      const now = deps.now();
      const next: ComplaintRecord = {
        ...current,
        type: input.type ?? current.type,
        urgency,
        categoryId: input.categoryId ?? current.categoryId,
        title,
        description,
        address,
        lat: location?.lat ?? null,
        lng: location?.lng ?? null,
        // A new place that resolves nowhere puts the complaint back in the placement queue.
        ...(replace
          ? {
              streetId: placement?.streetId ?? null,
              communityId: placement?.communityId ?? null,
              gridId: placement?.gridId ?? null,
              areaType: placement?.areaType ?? null,
            }
          : {}),
        emergencyRule: suggestion.emergency ?? current.emergencyRule,
        searchText: searchTokens(title, description),
        updatedAt: now,
      };
      await commit(async (tx) => {
        const { id: _, ...changes } = next;
        if (!(await store.updateComplaintIf(tx, id, { dispatchedAt: null, mergedIntoId: null, status: 'RECEIVED' }, changes)))
          throw conflict(`complaint ${id} cannot be corrected: it was dispatched, merged or closed meanwhile`);
        return [
          event(ComplaintUpdated, next, editor.sub, { complaintId: id, ...routingChanges(current, next), updatedAt: now.toISOString() }),
        ];
      });
      return next;
    },

    /** Places a complaint by hand at a region or point of its district. */
    async placeComplaint(caller: RequestCaller, id: string, rawInput: unknown): Promise<ComplaintRecord> {
      const editor = requireRole(caller, ...editors);
      const input = parseInput(placeInput, rawInput, 'input');
      const current = await loadOwn(editor, id, 'id');
      if (current.mergedIntoId || current.status === 'CLOSED_AT_INTAKE')
        throw conflict(`complaint ${id} cannot be placed: ${whyNotEditable(current)}`);
      let placement: Placement | null;
      if (input.regionId) {
        const region = deps.regions().get(input.regionId);
        if (!region || region.district !== current.district || region.level === 'DISTRICT')
          throw badInput('input.regionId', `"${input.regionId}" is not a street, community or grid of district ${current.district}`);
        placement = deps.regions().placementOf(region.id);
      } else {
        placement = deps.regions().locate(input.location!.lat, input.location!.lng);
        if (!placement) throw badInput('input.location', 'lies outside every street of the district');
      }
      const now = deps.now();
      const next: ComplaintRecord = {
        ...current,
        ...placement!,
        ...(input.location ? { lat: input.location.lat, lng: input.location.lng } : {}),
        updatedAt: now,
      };
      await commit(async (tx) => {
        await store.updateComplaintIf(
          tx,
          id,
          {},
          {
            streetId: next.streetId,
            communityId: next.communityId,
            gridId: next.gridId,
            areaType: next.areaType,
            lat: next.lat,
            lng: next.lng,
            updatedAt: now,
          },
        );
        return [
          event(ComplaintUpdated, next, editor.sub, {
            complaintId: id,
            region: regionPathOf(next),
            areaType: next.areaType,
            location: locationOf(next),
            updatedAt: now.toISOString(),
          }),
        ];
      });
      return next;
    },

    /**
     * Closes an open complaint on the spot. Dispatch has seen it as received, so this is allowed only
     * before a work order was dispatched; the event tells dispatch to route nothing more.
     */
    async closeAtIntake(caller: RequestCaller, id: string, rawInput: unknown): Promise<ComplaintRecord> {
      const agent = requireRole(caller, 'agent', 'admin');
      const input = parseInput(closeAtIntakeInput, rawInput, 'input');
      const current = await loadOwn(agent, id, 'complaintId');
      const why = whyNotEditable(current);
      if (why) throw conflict(`complaint ${id} cannot be closed at intake: ${why}`);
      if (input.knowledgeArticleId && !(await store.knowledgeByIds([input.knowledgeArticleId])).length)
        throw badInput('input.knowledgeArticleId', `unknown knowledge article "${input.knowledgeArticleId}"`);
      const now = deps.now();
      const next: ComplaintRecord = {
        ...current,
        status: 'CLOSED_AT_INTAKE',
        closedAnswer: input.answer,
        knowledgeArticleId: input.knowledgeArticleId,
        closedAt: now,
        updatedAt: now,
      };
      await commit(async (tx) => {
        if (
          !(await store.updateComplaintIf(
            tx,
            id,
            { dispatchedAt: null, mergedIntoId: null, status: 'RECEIVED' },
            {
              status: next.status,
              closedAnswer: next.closedAnswer,
              knowledgeArticleId: next.knowledgeArticleId,
              closedAt: now,
              updatedAt: now,
            },
          ))
        )
          throw conflict(`complaint ${id} cannot be closed at intake: it was dispatched, merged or closed meanwhile`);
        return [
          event(ComplaintClosedAtIntake, next, agent.sub, {
            complaintId: id,
            answer: input.answer,
            knowledgeArticleId: input.knowledgeArticleId,
            closedAt: now.toISOString(),
          }),
        ];
      });
      return next;
    },

    /**
     * Folds a report into a case. A case is never itself merged, and a report with reports merged into it
     * must give them up first, so cases stay one level deep and an unmerge restores exactly what was.
     * The same caller's third report in a case escalates it, once.
     */
    async mergeComplaints(caller: RequestCaller, id: string, intoId: string): Promise<MergeResult> {
      const editor = requireRole(caller, ...editors);
      if (id === intoId) throw badInput('intoComplaintId', 'must differ from complaintId');
      const report = await loadOwn(editor, id, 'complaintId');
      const target = await loadOwn(editor, intoId, 'intoComplaintId');
      if (report.district !== target.district) throw badInput('intoComplaintId', 'must be in the same district');
      if (report.mergedIntoId) throw conflict(`complaint ${id} is already merged into ${report.mergedIntoId}`);
      if (target.mergedIntoId)
        throw conflict(`complaint ${intoId} is itself merged into ${target.mergedIntoId}; merge into that case`, {
          caseId: target.mergedIntoId,
        });
      if (target.status === 'CLOSED_AT_INTAKE') throw conflict(`complaint ${intoId} was closed at intake; it cannot take reports`);
      const now = deps.now();
      let escalated = false;
      let merged!: ComplaintRecord;
      let kase = target;
      await commit(async (tx) => {
        if ((await store.mergedIntoCount(tx, id)) > 0) throw conflict(`complaint ${id} has reports merged into it; unmerge them first`);
        if (!(await store.updateComplaintIf(tx, id, { mergedIntoId: null }, { mergedIntoId: intoId, mergedAt: now, updatedAt: now })))
          throw conflict(`complaint ${id} was merged meanwhile`);
        merged = { ...report, mergedIntoId: intoId, mergedAt: now, updatedAt: now };
        const events: Envelope[] = [
          event(ComplaintMerged, merged, editor.sub, { complaintId: id, intoComplaintId: intoId, mergedAt: now.toISOString() }),
        ];
        const calls = callsBySameCaller(report.complainantId, await store.caseGroup(tx, intoId));
        if (calls >= REPEAT_CALL_THRESHOLD && !target.escalatedAt) {
          await store.updateComplaintIf(tx, intoId, { escalatedAt: null }, { escalatedAt: now, updatedAt: now });
          kase = { ...target, escalatedAt: now, updatedAt: now };
          escalated = true;
          events.push(event(RepeatCallEscalated, kase, 'system:intake', { complaintId: intoId, calls, escalatedAt: now.toISOString() }));
        }
        return events;
      });
      return { complaint: merged, case: kase, escalated };
    },

    async unmergeComplaint(caller: RequestCaller, id: string): Promise<MergeResult> {
      const editor = requireRole(caller, ...editors);
      const report = await loadOwn(editor, id, 'complaintId');
      if (!report.mergedIntoId) throw conflict(`complaint ${id} is not merged`);
      const from = report.mergedIntoId;
      const now = deps.now();
      const next: ComplaintRecord = { ...report, mergedIntoId: null, mergedAt: null, updatedAt: now };
      await commit(async (tx) => {
        if (!(await store.updateComplaintIf(tx, id, { mergedIntoId: from }, { mergedIntoId: null, mergedAt: null, updatedAt: now })))
          throw conflict(`complaint ${id} was unmerged meanwhile`);
        return [event(ComplaintUnmerged, next, editor.sub, { complaintId: id, fromComplaintId: from, unmergedAt: now.toISOString() })];
      });
      const [kase] = await store.complaintsByIds([from]);
      return { complaint: next, case: kase!, escalated: false };
    },

    async duplicateCandidates(caller: RequestCaller, id: string): Promise<DuplicateCandidate[]> {
      const reader = requireRole(caller, ...readers);
      return duplicatesOf(await loadOwn(reader, id, 'complaintId'));
    },

    async searchKnowledge(caller: RequestCaller, text: unknown) {
      requireRole(caller, ...readers);
      return rankKnowledge(parseInput(knowledgeText, text, 'text'), await store.allKnowledge());
    },

    /** The top level of the taxonomy, in its set order. */
    topCategories: () => store.topCategories(),

    async createCategory(caller: RequestCaller, rawInput: unknown) {
      requireRole(caller, 'admin');
      const input = parseInput(newCategoryInput, rawInput, 'input');
      if ((await store.categoriesByIds([input.id])).length) throw conflict(`category ${input.id} exists`);
      if (input.parentId) await requireCategory(input.parentId, 'input.parentId');
      const category = { id: input.id, name: input.name, parentId: null, position: 0 };
      await store.transaction(async (tx) => {
        const problem = validateMove([...(await store.allCategories(tx)), category], input.id, input.parentId);
        if (problem) throw badInput('input.parentId', problem);
        await store.insertCategory(tx, { ...category, parentId: input.parentId, position: await store.countChildren(tx, input.parentId) });
      });
      return (await store.categoriesByIds([input.id]))[0]!;
    },

    async renameCategory(caller: RequestCaller, id: string, name: unknown) {
      requireRole(caller, 'admin');
      const parsed = parseInput(categoryName, name, 'name');
      await requireCategory(id, 'id');
      return store.transaction((tx) => store.updateCategory(tx, id, { name: parsed }));
    },

    async moveCategory(caller: RequestCaller, id: string, parentId: string | null | undefined) {
      requireRole(caller, 'admin');
      await requireCategory(id, 'id');
      return store.transaction(async (tx) => {
        const problem = validateMove(await store.allCategories(tx), id, parentId ?? null);
        if (problem) throw badInput('parentId', problem);
        return store.updateCategory(tx, id, { parentId: parentId ?? null, position: await store.countChildren(tx, parentId ?? null) });
      });
    },

    /** A complaint the caller may see: their district's (any district for city roles), or a citizen's own. */
    canRead(caller: RequestCaller, complaint: ComplaintRecord): boolean {
      if (caller === null) return false;
      if (caller.roles.includes('citizen') && caller.roles.length === 1) return complaint.receivedBy === caller.sub;
      return caller.district === complaint.district || caller.roles.includes('city');
    },

    async listComplaints(caller: RequestCaller, args: { filter?: unknown; first?: unknown; after?: unknown }) {
      const reader = requireRole(caller, ...readers);
      const filter = parseInput(complaintFilter, args.filter, 'filter') ?? {};
      let regionIds: string[] | null = null;
      if (filter.regionId) {
        const region = deps.regions().get(filter.regionId);
        if (!region) throw badInput('filter.regionId', `unknown region "${filter.regionId}"`);
        requireDistrict(reader, region.district);
        regionIds = deps.regions().descendants(region.id);
      }
      const categoryIds = filter.categoryId ? categoryDescendants(await store.allCategories(), filter.categoryId) : null;
      return page(reader, args, {
        channel: filter.channel,
        urgency: filter.urgency,
        categoryIds,
        regionIds,
        receivedFrom: filter.receivedFrom,
        receivedTo: filter.receivedTo,
      });
    },

    async placementQueue(caller: RequestCaller, args: { first?: unknown; after?: unknown }) {
      const reader = requireRole(caller, ...editors);
      return page(reader, args, { unplaced: true });
    },

    async searchComplaints(caller: RequestCaller, args: { text: unknown; first?: unknown; after?: unknown }) {
      const reader = requireRole(caller, ...readers);
      const tokens = queryTokens(parseInput(searchText, args.text, 'text'));
      if (!tokens.length) throw badInput('text', 'has no searchable words');
      return page(reader, args, { searchTokens: tokens });
    },
  };

  async function page(
    reader: Caller,
    args: { first?: unknown; after?: unknown },
    query: Omit<Parameters<IntakeStore['listComplaints']>[0], 'district' | 'limit' | 'before'>,
  ) {
    const p = parseInput(pageArgs, { first: args.first ?? undefined, after: args.after ?? undefined });
    const cursor = decodeCursor(p.after);
    const { rows, total } = await store.listComplaints({
      ...query,
      district: reader.district,
      before: cursor ? { receivedAt: new Date(String(cursor[0])), id: String(cursor[1]) } : null,
      limit: p.first + 1,
    });
    return toConnection(rows, p.first, (c) => [c.receivedAt.toISOString(), c.id], total);
  }
}

/** The routing fields (those dispatch and analytics read) that differ, as ComplaintUpdated carries them. */
function routingChanges(before: ComplaintRecord, after: ComplaintRecord) {
  const changes: {
    categoryId?: string;
    type?: ComplaintRecord['type'];
    urgency?: ComplaintRecord['urgency'];
    region?: { district: string; street: string | null; community: string | null; grid: string | null };
    areaType?: ComplaintRecord['areaType'];
    location?: { lat: number; lng: number } | null;
  } = {};
  if (before.categoryId !== after.categoryId) changes.categoryId = after.categoryId;
  if (before.type !== after.type) changes.type = after.type;
  if (before.urgency !== after.urgency) changes.urgency = after.urgency;
  if (before.streetId !== after.streetId || before.communityId !== after.communityId || before.gridId !== after.gridId)
    changes.region = { district: after.district, street: after.streetId, community: after.communityId, grid: after.gridId };
  if (before.areaType !== after.areaType) changes.areaType = after.areaType;
  if (before.lat !== after.lat || before.lng !== after.lng)
    changes.location = after.lat !== null && after.lng !== null ? { lat: after.lat, lng: after.lng } : null;
  return changes;
}

export type IntakeManager = ReturnType<typeof createIntakeManager>;
