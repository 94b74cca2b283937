import type { KafkaMessage } from 'kafkajs';
import type { BusMessage } from './bus';
import { fromKafkaMessage, toKafkaMessage, toTopicMessages } from './kafka';

const busMessage = (topic: string, key: string, value: string, headers: Record<string, string> = {}): BusMessage => ({
  topic,
  key,
  value,
  headers,
});

/** A kafkajs message as the consumer hands it over (record-batch format, the one with headers). */
const kafkaMessage = (
  overrides: Partial<Pick<KafkaMessage, 'key' | 'value'>> & { headers?: NonNullable<KafkaMessage['headers']> } = {},
): KafkaMessage => ({
  key: Buffer.from('case-1'),
  value: Buffer.from('{"id":"e-1"}'),
  timestamp: '1767225600000',
  attributes: 0,
  offset: '42',
  headers: {},
  ...overrides,
});

describe('toKafkaMessage', () => {
  it('given a bus message, then key, value and headers carry over and the headers are a copy', () => {
    const message = busMessage('hotline.intake.events', 'case-1', 'payload', { 'event-id': 'e-1' });
    const mapped = toKafkaMessage(message);

    expect(mapped).toEqual({ key: 'case-1', value: 'payload', headers: { 'event-id': 'e-1' } });
    message.headers['event-id'] = 'changed';
    expect(mapped.headers).toEqual({ 'event-id': 'e-1' });
  });
});

describe('fromKafkaMessage', () => {
  it('given a message with Buffer headers, then it becomes a delivered bus message with text headers and its position', () => {
    const delivered = fromKafkaMessage(
      'hotline.intake.events',
      3,
      kafkaMessage({ headers: { 'event-id': Buffer.from('e-1'), 'event-type': Buffer.from('intake.complaint.received') } }),
    );

    expect(delivered).toEqual({
      topic: 'hotline.intake.events',
      partition: 3,
      offset: '42',
      key: 'case-1',
      value: '{"id":"e-1"}',
      headers: { 'event-id': 'e-1', 'event-type': 'intake.complaint.received' },
    });
  });

  it('given headers as strings, arrays and undefined, then strings are kept, an array yields its first value and undefined is left out', () => {
    const delivered = fromKafkaMessage(
      't',
      0,
      kafkaMessage({
        headers: {
          plain: 'text',
          many: [Buffer.from('first'), Buffer.from('second')],
          textArray: ['a', 'b'],
          missing: undefined,
          empty: [],
        },
      }),
    );

    expect(delivered.headers).toEqual({ plain: 'text', many: 'first', textArray: 'a' });
  });

  it('given UTF-8 text, then keys, values and headers are decoded as UTF-8', () => {
    const delivered = fromKafkaMessage(
      't',
      0,
      kafkaMessage({
        key: Buffer.from('投诉-1'),
        value: Buffer.from('{"title":"物业乱收费"}'),
        headers: { name: Buffer.from('安华街道') },
      }),
    );

    expect(delivered).toMatchObject({ key: '投诉-1', value: '{"title":"物业乱收费"}', headers: { name: '安华街道' } });
  });

  it('given a null key, a null value (tombstone) and no headers (old message format), then they become empty strings and no headers, not a crash', () => {
    const delivered = fromKafkaMessage('t', 1, { key: null, value: null, timestamp: '1767225600000', attributes: 0, offset: '7', size: 0 });

    expect(delivered).toMatchObject({ key: '', value: '', headers: {} });
  });
});

describe('toTopicMessages', () => {
  it('given messages of several topics interleaved, then they are grouped by topic in first-seen order, each topic keeping its messages in order', () => {
    const grouped = toTopicMessages([
      busMessage('a', 'k1', '1'),
      busMessage('b', 'k1', '2'),
      busMessage('a', 'k2', '3'),
      busMessage('c', 'k3', '4'),
      busMessage('a', 'k1', '5'),
      busMessage('b', 'k2', '6'),
    ]);

    expect(grouped.map((g) => [g.topic, g.messages.map((m) => m.value)])).toEqual([
      ['a', ['1', '3', '5']],
      ['b', ['2', '6']],
      ['c', ['4']],
    ]);
    expect(grouped[0]!.messages[0]).toEqual({ key: 'k1', value: '1', headers: {} });
  });

  it('given no messages, then there is nothing to send', () => {
    expect(toTopicMessages([])).toEqual([]);
  });
});
