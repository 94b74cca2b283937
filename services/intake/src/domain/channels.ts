import { z } from 'zod';

const id = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9-]{2,19}$/, 'must be a phone number of 3–20 digits');

/**
 * Each channel's own fields, as stored in complaint.channel_details. The `channel` tag repeats the
 * complaint's channel so a stored row can be parsed on its own.
 */
export const channelDetails = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('HOTLINE'),
    callId: id(64),
    callerNumber: phone.nullish().transform((x) => x ?? null),
    agentId: z.string(),
  }),
  ...(['WEB', 'APP', 'WECHAT', 'WEIBO'] as const).map((channel) =>
    z.object({
      channel: z.literal(channel),
      accountId: id(128),
      handle: id(64)
        .nullish()
        .transform((x) => x ?? null),
      messageId: id(128),
    }),
  ),
  z.object({ channel: z.literal('LEADER_BOARD'), board: id(64), postId: id(128) }),
  z.object({ channel: z.literal('GRID_PATROL'), gridWorkerId: id(64), patrolId: id(64) }),
  z.object({
    channel: z.literal('SENSOR'),
    deviceId: id(64),
    reading: z.number().finite(),
    threshold: z.number().finite(),
    unit: id(16)
      .nullish()
      .transform((x) => x ?? null),
  }),
]);
export type ChannelDetails = z.infer<typeof channelDetails>;

/** Which key of ChannelDetailsInput belongs to which channel. */
export const detailsKeyOf = {
  HOTLINE: 'hotline',
  WEB: 'online',
  APP: 'online',
  WECHAT: 'online',
  WEIBO: 'online',
  LEADER_BOARD: 'leaderBoard',
  GRID_PATROL: 'gridPatrol',
  SENSOR: 'sensor',
} as const;
export type Channel = keyof typeof detailsKeyOf;
type DetailsKey = (typeof detailsKeyOf)[Channel];

/**
 * GraphQL has no input unions, so the input has one optional member per kind of channel; exactly the
 * member for the complaint's channel may be given. The hotline agent is the caller, never typed in.
 * Returns the issue (field path and message) or the details to store.
 */
export function channelDetailsFromInput(
  channel: Channel,
  input: Partial<Record<DetailsKey, Record<string, unknown> | null | undefined>> | null | undefined,
  agentId: string,
): { ok: true; details: ChannelDetails | null } | { ok: false; path: string; message: string } {
  if (!input) return { ok: true, details: null };
  const expected = detailsKeyOf[channel];
  const given = (Object.keys(input) as DetailsKey[]).filter((k) => input[k] != null);
  const stray = given.find((k) => k !== expected);
  if (stray) return { ok: false, path: stray, message: `does not belong to channel ${channel}; give ${expected}` };
  const fields = input[expected];
  if (!fields) return { ok: true, details: null };
  const parsed = channelDetails.safeParse({ ...fields, channel, ...(channel === 'HOTLINE' ? { agentId } : {}) });
  if (parsed.success) return { ok: true, details: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, path: [expected, ...issue.path.map(String)].join('.'), message: issue.message };
}
