import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchCallsFolder } from '../../connectors/calls/index.ts';
import { createConnectorPublisher } from '../../engine/connector/index.ts';
import { waitUntil } from '../helpers/engine.ts';
import { connectorApp, fixture, fixtureJson, recordingBus } from './helpers.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
let t: Awaited<ReturnType<typeof connectorApp>>;

beforeAll(async () => {
  t = await connectorApp();
});
afterAll(() => t.app.close());

const post = (payload: string | Buffer, query = '') => t.app.inject({ method: 'POST', url: `/v1/connectors/calls${query}`, headers: JSON_HEADERS, payload });
const turnsOf = (callId: string) => t.published.filter((p) => p.msgId.startsWith(`call:${callId}:`)).map((p) => p.event);
const transcribeMeta = '?customerId=cust-4411&agentId=agent-3&startedAt=2026-11-24T09:15:00Z&holdSec=2400&transfers=0';

describe('POST /v1/connectors/calls, our JSON shape', () => {
  it('turns every turn into an event with the call metadata in meta and ids call:<callId>:<turn>', async () => {
    const res = await post(fixture('calls/cxpulse-call.json'));
    expect(res.statusCode).toBe(202);
    const ids = [0, 1, 2, 3, 4, 5].map((i) => `call:pbx-2026-11-24-000731:${i}`);
    expect(res.json()).toEqual({ callId: 'pbx-2026-11-24-000731', accepted: 6, duplicates: 0, ids });
    const events = turnsOf('pbx-2026-11-24-000731');
    expect(events.map((e) => e.author)).toEqual(['agent', 'customer', 'agent', 'customer', 'agent', 'customer']);
    expect(events[3]).toMatchObject({
      channel: 'call',
      conversationId: 'call:pbx-2026-11-24-000731',
      customerId: 'cust-4411',
      agentId: 'agent-12',
      text: 'Okej, men det här är tredje gången jag ringer om det.',
      ts: Date.parse('2026-11-24T09:15:00Z') + 120_400,
      meta: { source: 'cxpulse', durationSec: 412, holdSec: 95, transfers: 1, startSec: 120.4, endSec: 124.9, turnIndex: 3 },
    });
  });

  it('recognises a resent call: every turn is a duplicate and nothing new is published', async () => {
    const before = t.published.length;
    const res = await post(fixture('calls/cxpulse-call.json'));
    expect(res.json()).toMatchObject({ accepted: 6, duplicates: 6 });
    expect(t.published.length).toBe(before);
  });
});

describe('POST /v1/connectors/calls, Amazon Transcribe with speaker labels', () => {
  it('groups words into turns, joins punctuation, and takes the first voice as the agent', async () => {
    const res = await post(fixture('calls/aws-transcribe-call.json'), transcribeMeta);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ callId: 'acme-call-20261124-0915-7781', accepted: 6 });
    const events = turnsOf('acme-call-20261124-0915-7781');
    expect(events.map((e) => [e.author, e.text])).toEqual([
      ['agent', 'Thank you for calling Acme, this is Maria. How can I help you?'],
      ['customer', 'Hi. I have been on hold for forty minutes and my internet has been down since Monday.'],
      ['agent', "I'm sorry about the wait. Let me check your line."],
      ['customer', 'This is the third time I call about this. If it is not fixed today, I will cancel.'],
      ['agent', 'I understand. I have booked a technician for tomorrow morning.'],
      ['customer', 'Fine. Thanks.'],
    ]);
    expect(events[1]!.meta).toMatchObject({ source: 'aws-transcribe', speakerLabel: 'spk_1', speakerMapping: 'first-speaker-is-agent', holdSec: 2400, transfers: 0 });
    expect(events[1]!.meta!.startSec).toBeGreaterThan(events[0]!.meta!.endSec as number);
    expect(events[5]!.meta!.durationSec).toBe(events[5]!.meta!.endSec);
  });

  it('reads the older output (speakers only in speaker_labels.segments) the same way', async () => {
    await post(fixture('calls/aws-transcribe-call-legacy.json'), transcribeMeta);
    const legacy = turnsOf('acme-call-legacy-0002').map((e) => [e.author, e.text]);
    expect(legacy).toEqual(turnsOf('acme-call-20261124-0915-7781').map((e) => [e.author, e.text]));
  });

  it('takes metadata and an explicit speaker map from a { call, transcribe } envelope', async () => {
    const transcribe = fixtureJson('calls/aws-transcribe-call.json');
    const body = { call: { callId: 'env-1', customerId: 'cust-9', startedAt: 1795511700000, speakers: { spk_0: 'customer', spk_1: 'agent' } }, transcribe };
    const res = await post(JSON.stringify(body));
    expect(res.statusCode).toBe(202);
    const events = turnsOf('env-1');
    expect(events[0]).toMatchObject({ author: 'customer', customerId: 'cust-9', ts: 1795511700000 + 1240, meta: { speakerMapping: 'explicit' } });
    expect(events[1]!.author).toBe('agent');
  });
});

describe('POST /v1/connectors/calls refuses bad transcripts whole, with the reason and a DLQ entry', () => {
  const ours = () => fixtureJson('calls/cxpulse-call.json') as Record<string, unknown> & { turns: Record<string, unknown>[] };
  const withTurn = (i: number, over: Record<string, unknown>) => {
    const c = ours();
    c.callId = `bad-${i}-${Object.keys(over).join('')}`;
    c.turns[i] = { ...c.turns[i], ...over };
    return JSON.stringify(c);
  };
  it.each([
    ['a Transcribe output without speaker labels', () => fixture('calls/aws-transcribe-no-speakers.json'), transcribeMeta, 'CX_ERR_MISSING_SPEAKER', 'results.speaker_labels'],
    ['a turn with no speaker', () => withTurn(2, { speaker: undefined }), '', 'CX_ERR_MISSING_SPEAKER', 'turns[2].speaker'],
    ['a turn whose speaker is neither customer nor agent', () => withTurn(1, { speaker: 'caller' }), '', 'CX_ERR_MISSING_SPEAKER', 'turns[1].speaker'],
    ['a speaker map that misses a label', () => fixture('calls/aws-transcribe-call.json'), `${transcribeMeta}&callId=map-1&speakers=spk_0:agent`, 'CX_ERR_MISSING_SPEAKER', 'speakers'],
    ['a turn with blank text', () => withTurn(1, { text: ' ' }), '', 'CX_ERR_EMPTY_TEXT', 'turns[1].text'],
    ['a turn that ends before it starts', () => withTurn(4, { endSec: 1 }), '', 'CX_ERR_INVALID_VALUE', 'turns[4].endSec'],
    ['a Transcribe output without a customer', () => fixture('calls/aws-transcribe-call.json'), '?startedAt=2026-11-24T09:15:00Z&callId=nocust', 'CX_ERR_MISSING_FIELD', 'customerId'],
    ['a call without a start time', () => JSON.stringify({ ...ours(), startedAt: undefined }), '', 'CX_ERR_MISSING_FIELD', 'startedAt'],
    ['an unknown shape', () => JSON.stringify({ recording: 'x.wav' }), '', 'CX_ERR_UNSUPPORTED_PAYLOAD', undefined],
    ['malformed JSON', () => '{"callId": "x", "turns": [', '', 'CX_ERR_INVALID_JSON', undefined],
    ['a Latin-1 file', () => Buffer.from(withTurn(0, { text: 'Hej, här är Åsa' }), 'latin1'), '', 'CX_ERR_BAD_ENCODING', undefined],
  ])('%s', async (_n, body, query, code, field) => {
    const before = { pub: t.published.length, dlq: t.deadLetters.length };
    const payload = body();
    const res = await post(payload, query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.field).toBe(field);
    expect(t.published.length).toBe(before.pub);
    expect(t.deadLetters.length).toBe(before.dlq + 1);
    const entry = t.deadLetters.at(-1)!;
    expect(entry.error).toEqual(res.json().error);
    expect(entry.subject).toBe('cx.connectors.calls');
    if (!Buffer.isBuffer(payload)) expect(entry.payload).toBe(payload);
  });

  it('accepts UTF-16 with a byte-order mark (what Windows tools write)', async () => {
    const c = { ...fixtureJson('calls/cxpulse-call.json'), callId: 'utf16-1' };
    const res = await post(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(c), 'utf16le')]));
    expect(res.statusCode).toBe(202);
    expect(turnsOf('utf16-1')[1]!.text).toContain('två gånger');
  });
});

describe('the watched calls folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-calls-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ingests files found at start and dropped later, moving them to done/ or failed/ with the reason', async () => {
    const rec = recordingBus();
    const publisher = createConnectorPublisher({ connector: 'calls', bus: rec.bus });
    await writeFile(join(dir, 'ours.json'), fixture('calls/cxpulse-call.json'));
    await writeFile(join(dir, 'aws.json'), fixture('calls/aws-transcribe-call.json'));
    await writeFile(join(dir, 'aws.meta.json'), JSON.stringify({ customerId: 'cust-4411', startedAt: '2026-11-24T09:15:00Z', speakers: { spk_0: 'agent', spk_1: 'customer' } }));
    await writeFile(join(dir, 'nospk.json'), fixture('calls/aws-transcribe-no-speakers.json'));
    await writeFile(join(dir, 'nospk.meta.json'), JSON.stringify({ customerId: 'cust-1', startedAt: '2026-11-24T09:15:00Z' }));
    await writeFile(join(dir, 'broken.json'), '{"callId": "b", ');
    await writeFile(join(dir, 'notes.txt'), 'not a call file: left alone');
    const w = await watchCallsFolder({ dir, publisher, config: { settleMs: 20, rescanMs: 60_000 }, maxTextBytes: 4096 });
    await w.idle();

    expect((await readdir(join(dir, 'done'))).sort()).toEqual(['aws.json', 'aws.meta.json', 'ours.json']);
    expect((await readdir(join(dir, 'failed'))).sort()).toEqual(['broken.json', 'broken.json.error.txt', 'nospk.json', 'nospk.json.error.txt', 'nospk.meta.json']);
    expect((await readdir(dir)).sort()).toEqual(['done', 'failed', 'notes.txt']);
    const why = await readFile(join(dir, 'failed', 'nospk.json.error.txt'), 'utf8');
    expect(why).toContain('code: CX_ERR_MISSING_SPEAKER');
    expect(why).toContain('field: results.speaker_labels');
    expect(await readFile(join(dir, 'failed', 'broken.json.error.txt'), 'utf8')).toContain('CX_ERR_INVALID_JSON');
    expect(rec.published.filter((p) => p.msgId.startsWith('call:acme-call-20261124-0915-7781:'))).toHaveLength(6);
    expect(rec.published.filter((p) => p.msgId.startsWith('call:pbx-2026-11-24-000731:'))).toHaveLength(6);
    expect(rec.deadLetters.map((d) => d.error.code).sort()).toEqual(['CX_ERR_INVALID_JSON', 'CX_ERR_MISSING_SPEAKER']);

    // A file renamed into place later is seen by the watch, without a rescan.
    const late = { ...fixtureJson('calls/cxpulse-call.json'), callId: 'late-1' };
    await writeFile(join(dir, '.late.tmp'), JSON.stringify(late));
    await rename(join(dir, '.late.tmp'), join(dir, 'late.json'));
    await waitUntil(() => existsSync(join(dir, 'done', 'late.json')), 10_000, () => 'late.json in done/');
    expect(rec.published.filter((p) => p.msgId.startsWith('call:late-1:'))).toHaveLength(6);
    await w.stop();
  });

  it('leaves a file in place while the bus is away, and ingests it on a later scan', async () => {
    const rec = recordingBus();
    let busUp = false;
    const publisher = createConnectorPublisher({
      connector: 'calls',
      bus: { publishEvent: (c, d, id) => (busUp ? rec.bus.publishEvent(c, d, id) : Promise.reject(new Error('TIMEOUT'))), deadLetter: rec.bus.deadLetter },
      retry: { initialDelayMs: 5, giveUpAfterMs: 30 },
    });
    await writeFile(join(dir, 'wait.json'), JSON.stringify({ ...fixtureJson('calls/cxpulse-call.json'), callId: 'wait-1' }));
    const w = await watchCallsFolder({ dir, publisher, config: { settleMs: 20, rescanMs: 60_000 }, maxTextBytes: 4096 });
    await w.idle();
    expect(existsSync(join(dir, 'wait.json'))).toBe(true);
    busUp = true;
    await w.scan();
    await w.idle();
    expect(existsSync(join(dir, 'done', 'wait.json'))).toBe(true);
    expect(rec.published.filter((p) => p.msgId.startsWith('call:wait-1:'))).toHaveLength(6);
    await w.stop();
  });
});
