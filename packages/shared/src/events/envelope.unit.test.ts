import { z } from 'zod';
import { ComplaintReceived, DeadlinesSet } from './contracts';
import { ContractViolation, createEvent, defineEvent, parseData, parseEnvelope, topicOf, type Envelope } from './envelope';

const complaintData = {
  complaintId: 'c-1',
  channel: 'HOTLINE' as const,
  categoryId: 'property.fees',
  type: 'COMPLAINT' as const,
  urgency: 'GENERAL' as const,
  region: { district: '110199', street: '110199-001', community: null, grid: null },
  areaType: 'BUILT_UP' as const,
  location: { lat: 39.87, lng: 116.31 },
  receivedAt: '2026-03-01T08:00:00.000Z',
};

const received = (overrides: Partial<typeof complaintData> = {}) =>
  createEvent(ComplaintReceived, { subject: 'c-1', district: '110199', actor: 'agent-1', data: { ...complaintData, ...overrides } });

/** Builds an envelope as it would arrive from the bus, with any field changed. */
const wire = (overrides: Record<string, unknown> = {}) => JSON.stringify({ ...received(), ...overrides });

const violation = (fn: () => unknown): ContractViolation => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractViolation) return error;
    throw new Error(`expected a ContractViolation, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ContractViolation, nothing was thrown');
};

describe('createEvent', () => {
  it('given a valid payload, when an event is created, then it carries the contract, a fresh id and the subject', () => {
    const first = received();
    const second = received();

    expect(first).toMatchObject({
      type: 'intake.complaint.received',
      version: 1,
      subject: 'c-1',
      district: '110199',
      actor: 'agent-1',
      data: complaintData,
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.id).not.toBe(first.id);
    expect(() => parseEnvelope(JSON.stringify(first))).not.toThrow();
  });

  it('given an explicit time and traceparent, when an event is created, then both are kept', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = createEvent(ComplaintReceived, {
      subject: 'c-1',
      district: '110199',
      actor: 'agent-1',
      data: complaintData,
      occurredAt: new Date('2026-03-01T08:00:00Z'),
      traceparent,
    });

    expect(event.occurredAt).toBe('2026-03-01T08:00:00.000Z');
    expect(event.traceparent).toBe(traceparent);
  });

  it('given no traceparent, when an event is created, then the envelope has no traceparent field at all', () => {
    expect('traceparent' in received()).toBe(false);
  });

  it('given a payload that breaks the contract, when the producer creates the event, then it throws before anything is published', () => {
    expect(() => received({ urgency: 'WHENEVER' as never })).toThrow(z.ZodError);
    expect(() =>
      createEvent(DeadlinesSet, {
        subject: 'c-1',
        district: '110199',
        actor: 'system:supervision',
        data: { complaintId: 'c-1', workOrderId: 'w-1', unitId: 'u-1', ruleId: 'r-1', deadlines: [] },
      }),
    ).toThrow(z.ZodError);
  });
});

describe('topicOf', () => {
  it('given an event type, then its topic is the producing service’s', () => {
    expect(topicOf('dispatch.work-order.dispatched')).toBe('hotline.dispatch.events');
    expect(ComplaintReceived.topic).toBe('hotline.intake.events');
  });
});

describe('parseEnvelope', () => {
  it('given the wire form of a created event, when parsed, then the same envelope comes back', () => {
    const event = received();
    expect(parseEnvelope(JSON.stringify(event))).toEqual(event);
  });

  it.each([
    ['an empty message', ''],
    ['plain text', 'hello'],
    ['truncated JSON', '{"id":'],
  ])('given %s, when parsed, then it is a contract violation saying it is not JSON', (_, raw) => {
    expect(violation(() => parseEnvelope(raw)).message).toBe('message is not JSON');
  });

  it.each([
    ['a JSON array', '[]', ''],
    ['a JSON number', '42', ''],
    ['an id that is not a uuid', wire({ id: 'not-a-uuid' }), 'id'],
    ['a type without source.entity.happened', wire({ type: 'complaint' }), 'type'],
    ['a version of zero', wire({ version: 0 }), 'version'],
    ['a time without offset', wire({ occurredAt: '2026-03-01T08:00:00' }), 'occurredAt'],
    ['no subject', wire({ subject: undefined }), 'subject'],
    ['an empty district', wire({ district: '' }), 'district'],
  ])('given %s, when parsed, then it is a contract violation naming the field', (_, raw, field) => {
    const error = violation(() => parseEnvelope(raw));
    expect(error.message).toMatch(/^not an event envelope: /);
    if (field) expect(error.message).toContain(`: ${field} `);
  });
});

describe('parseData', () => {
  const envelopeOf = (overrides: Partial<Envelope> = {}): Envelope => ({ ...parseEnvelope(JSON.stringify(received())), ...overrides });

  it('given an envelope matching the contract, when its data is parsed, then the typed event comes back', () => {
    const event = parseData(ComplaintReceived, envelopeOf());
    expect(event.data.region.street).toBe('110199-001');
  });

  it('given an envelope of another type, then it is a contract violation naming both types', () => {
    const error = violation(() => parseData(ComplaintReceived, envelopeOf({ type: 'dispatch.work-order.dispatched' })));
    expect(error.message).toBe('expected intake.complaint.received, got dispatch.work-order.dispatched');
  });

  it('given a version the contract does not know, then it is a contract violation naming the version', () => {
    const error = violation(() => parseData(ComplaintReceived, envelopeOf({ version: 2 })));
    expect(error.message).toBe('intake.complaint.received: version 2 is not understood (expects 1)');
  });

  it.each([
    ['a nested field of the wrong type', { ...complaintData, location: { lat: 'north', lng: 116.3 } }, 'data.location.lat'],
    ['a missing field', { ...complaintData, complaintId: undefined }, 'data.complaintId'],
    ['an unknown enum value', { ...complaintData, channel: 'FAX' }, 'data.channel'],
  ])('given a payload with %s, then it is a contract violation naming the path', (_, data, path) => {
    const error = violation(() => parseData(ComplaintReceived, envelopeOf({ data })));
    expect(error.message).toMatch(new RegExp(`^intake\\.complaint\\.received: ${path.replace(/\./g, '\\.')} `));
  });

  it('given a payload the contract transforms, then the consumer gets the parsed value, not the raw one', () => {
    const Trimmed = defineEvent('test.thing.happened', 1, z.object({ name: z.string().trim() }));
    const event = parseData(Trimmed, { ...envelopeOf(), type: 'test.thing.happened', data: { name: '  padded  ' } });
    expect(event.data.name).toBe('padded');
  });
});
