import { z } from 'zod';
import { areaTypes, channels, complaintTypes, hasRole, urgencies, type Caller, type RequestCaller } from '@hotline/shared';
import type { Placement } from './regions';
import type { ChannelDetails } from './channels';
import type { ClassificationSuggestion } from '../classifier/classifier';

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9-]{2,19}$/, 'must be a phone number of 3–20 digits');
export const geoPointInput = z.object({
  lat: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90'),
  lng: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180'),
});
const title = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const description = z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');
const address = z.string().trim().max(200, 'must be at most 200 characters');
/** Answered on the spot: the answer given, and the knowledge article it came from, if any. */
export const closeAtIntakeInput = z.object({
  answer: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
  knowledgeArticleId: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .nullish()
    .transform((x) => x ?? null),
});

/**
 * The rules a complaint must satisfy to be taken in; messages name what is wrong. Category, type and
 * urgency may be left out: the classifier's suggestion is then taken.
 */
export const submitComplaintInput = z
  .object({
    channel: z.enum(channels),
    type: z
      .enum(complaintTypes)
      .nullish()
      .transform((x) => x ?? null),
    urgency: z
      .enum(urgencies)
      .nullish()
      .transform((x) => x ?? null),
    categoryId: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .nullish()
      .transform((x) => x ?? null),
    title,
    description,
    address: address.nullish().transform((a) => a || null),
    location: geoPointInput.nullish().transform((l) => l ?? null),
    complainant: z
      .object({
        name: z.string().trim().max(50, 'must be at most 50 characters').nullish(),
        phone: phone.nullish(),
        anonymous: z
          .boolean()
          .nullish()
          .transform((a) => a ?? false),
      })
      .nullish()
      .transform((c) => c ?? { name: null, phone: null, anonymous: true }),
    channelDetails: z.record(z.string(), z.record(z.string(), z.unknown()).nullish()).nullish(),
    closeAtIntake: closeAtIntakeInput.nullish().transform((x) => x ?? null),
  })
  .superRefine((input, ctx) => {
    if (!input.address && !input.location)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'an address or a location is required' });
  });
export type SubmitComplaintInput = z.infer<typeof submitComplaintInput>;

/** Corrections before dispatch; only the fields given change. */
export const updateComplaintInput = z
  .object({
    type: z.enum(complaintTypes).nullish(),
    urgency: z.enum(urgencies).nullish(),
    categoryId: z.string().trim().min(1, 'must not be empty').nullish(),
    title: title.nullish(),
    description: description.nullish(),
    address: address.nullish(),
    location: geoPointInput.nullish(),
  })
  .refine((x) => Object.values(x).some((v) => v !== null && v !== undefined), { message: 'give at least one field to change' });
export type UpdateComplaintInput = z.infer<typeof updateComplaintInput>;

export type AreaType = (typeof areaTypes)[number];
export type ComplaintType = (typeof complaintTypes)[number];
export type Urgency = (typeof urgencies)[number];

/** Received and open, or answered and closed at intake; dispatch and merging are recorded beside it. */
export type IntakeStatus = 'RECEIVED' | 'CLOSED_AT_INTAKE';

/** A complaint as intake keeps it. */
export interface ComplaintRecord {
  id: string;
  district: string;
  channel: (typeof channels)[number];
  channelDetails: ChannelDetails | null;
  type: ComplaintType;
  urgency: Urgency;
  categoryId: string;
  suggestedCategoryId: string | null;
  categoryConfidence: number | null;
  suggestedType: ComplaintType | null;
  suggestedUrgency: Urgency | null;
  emergencyRule: string | null;
  title: string;
  description: string;
  searchText: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  areaType: AreaType | null;
  anonymous: boolean;
  complainantId: string | null;
  status: IntakeStatus;
  dispatchedAt: Date | null;
  mergedIntoId: string | null;
  mergedAt: Date | null;
  closedAnswer: string | null;
  knowledgeArticleId: string | null;
  closedAt: Date | null;
  escalatedAt: Date | null;
  receivedAt: Date;
  receivedBy: string;
  updatedAt: Date;
}

export interface NewComplaintFacts {
  id: string;
  input: SubmitComplaintInput;
  /** What was decided from the input and the suggestion. */
  categoryId: string;
  type: ComplaintType;
  urgency: Urgency;
  suggestion: ClassificationSuggestion;
  channelDetails: ChannelDetails | null;
  placement: Placement | null;
  complainantId: string | null;
  searchText: string;
  caller: Caller;
  now: Date;
}

/** Builds the record of a new complaint; what was suggested is kept beside what was chosen. */
export function newComplaint(f: NewComplaintFacts): ComplaintRecord {
  const closed = f.input.closeAtIntake;
  return {
    id: f.id,
    district: f.caller.district,
    channel: f.input.channel,
    channelDetails: f.channelDetails,
    type: f.type,
    urgency: f.urgency,
    categoryId: f.categoryId,
    suggestedCategoryId: f.suggestion.category.value,
    categoryConfidence: f.suggestion.category.confidence,
    suggestedType: f.suggestion.type.value,
    suggestedUrgency: f.suggestion.urgency.value,
    emergencyRule: f.suggestion.emergency,
    title: f.input.title,
    description: f.input.description,
    searchText: f.searchText,
    address: f.input.address,
    lat: f.input.location?.lat ?? null,
    lng: f.input.location?.lng ?? null,
    streetId: f.placement?.streetId ?? null,
    communityId: f.placement?.communityId ?? null,
    gridId: f.placement?.gridId ?? null,
    areaType: f.placement?.areaType ?? null,
    anonymous: f.complainantId === null,
    complainantId: f.complainantId,
    status: closed ? 'CLOSED_AT_INTAKE' : 'RECEIVED',
    dispatchedAt: null,
    mergedIntoId: null,
    mergedAt: null,
    closedAnswer: closed?.answer ?? null,
    knowledgeArticleId: closed?.knowledgeArticleId ?? null,
    closedAt: closed ? f.now : null,
    escalatedAt: null,
    receivedAt: f.now,
    receivedBy: f.caller.sub,
    updatedAt: f.now,
  };
}

/**
 * Urgency as decided at intake: an emergency rule wins over everything (an agent cannot downgrade a gas
 * leak by mistake), then the agent's choice, then the classifier's guess.
 */
export function decideUrgency(chosen: Urgency | null, suggestion: ClassificationSuggestion): Urgency {
  if (suggestion.emergency) return 'URGENT';
  return chosen ?? suggestion.urgency.value;
}

/** Why a complaint can no longer be corrected at intake, or null when it can. */
export function whyNotEditable(c: ComplaintRecord): string | null {
  if (c.dispatchedAt) return 'it has been dispatched; corrections now go through its work order';
  if (c.status === 'CLOSED_AT_INTAKE') return 'it was closed at intake';
  if (c.mergedIntoId) return `it is merged into ${c.mergedIntoId}; unmerge it first`;
  return null;
}

/**
 * Who sees a complainant's name and phone: the agent who takes calls, the handler who must contact
 * the citizen, the supervisor who calls back, and the citizen who filed it. Everyone else sees them masked.
 */
export function seesPersonalData(caller: RequestCaller, complaint: ComplaintRecord): boolean {
  if (hasRole(caller, 'agent', 'handler', 'supervisor')) return true;
  return hasRole(caller, 'citizen') && caller?.sub === complaint.receivedBy;
}

/** 张三丰 → 张**: the surname stays, so a caller can still be addressed politely. */
export const maskName = (name: string): string =>
  name.length <= 1 ? '*' : `${[...name][0]}${'*'.repeat(Math.max([...name].length - 1, 1))}`;

/** 13812345678 → 138****5678. */
export const maskPhone = (phone: string): string =>
  phone.length <= 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
