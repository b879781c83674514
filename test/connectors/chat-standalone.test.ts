import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Registry } from 'prom-client';
import { handleChatFrame, signGeneric } from '../../connectors/chat/index.ts';
import { callsConnector, chatConnector, CONNECTORS, emailConnector, startConnector } from '../../connectors/index.ts';
import { loadConfig } from '../../engine/config/index.ts';
import { selectConnectors } from '../../engine/connector/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { counter, fixture, recordingBus } from './helpers.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const WEBHOOK = '/v1/connectors/chat/webhook';

describe('the chat connector standalone (cxpulse connector chat)', () => {
  it('serves the webhook, the WebSocket, /healthz and /metrics on its own port', async () => {
    const rec = recordingBus();
    const running = await startConnector(chatConnector, { bus: rec.bus, log: createLogger('silent'), cfg: loadConfig({ CXPULSE_CHAT_WEBHOOK_SECRET: 'cli-secret' }), port: 0, host: '127.0.0.1' });
    try {
      expect(await (await fetch(`${running.url}/healthz`)).json()).toEqual({ status: 'ok', connector: 'chat' });
      const body = fixture('chat/generic-message.json');
      const unsigned = await fetch(`${running.url}${WEBHOOK}`, { method: 'POST', headers: JSON_HEADERS, body: new Uint8Array(body) });
      expect(unsigned.status).toBe(401);
      const res = await fetch(`${running.url}${WEBHOOK}`, { method: 'POST', headers: { ...JSON_HEADERS, 'x-cxpulse-signature': signGeneric('cli-secret', body) }, body: new Uint8Array(body) });
      expect(res.status).toBe(202);
      const plainText = await fetch(`${running.url}${WEBHOOK}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      expect((await plainText.json()).error.code).toBe('CX_ERR_UNSUPPORTED_MEDIA_TYPE');

      const ws = new WebSocket(`${running.url.replace(/^http/, 'ws')}/v1/connectors/chat/ws`);
      const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () => ws.send(JSON.stringify({ messageId: 'sa-1', conversationId: 'c', customerId: 'u', author: 'customer', text: 'hello', ts: 1795510872000 })));
        ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>));
      });
      ws.close();
      expect(reply).toEqual({ type: 'ack', id: 'chat:generic:sa-1', status: 'published' });
      expect(rec.published.map((p) => p.msgId)).toEqual(['chat:acme-widget:m-20261124-0001', 'chat:generic:sa-1']);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toMatch(/cxpulse_connector_events_total\{connector="chat",outcome="published"\} 2/);
      expect(metrics).toMatch(/cxpulse_connector_events_total\{connector="chat",outcome="unauthorized"\} 1/);
      // Only the chat routes: the other connectors are not served by this process.
      expect((await fetch(`${running.url}/v1/connectors/crm`, { method: 'POST', headers: JSON_HEADERS, body: '{}' })).status).toBe(404);
    } finally {
      await running.stop();
    }
  });

  it('answers 503 CX_ERR_BUS_UNAVAILABLE (webhook) and an error frame (socket) when the bus stays away', async () => {
    const down = () => Promise.reject(new Error('TIMEOUT'));
    const registry = new Registry();
    const running = await startConnector(chatConnector, { bus: { publishEvent: down, deadLetter: down }, log: createLogger('silent'), cfg: loadConfig({}), port: 0, host: '127.0.0.1', registry, retry: { initialDelayMs: 5, giveUpAfterMs: 50 } });
    try {
      const res = await fetch(`${running.url}${WEBHOOK}`, { method: 'POST', headers: JSON_HEADERS, body: new Uint8Array(fixture('chat/generic-message.json')) });
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe('CX_ERR_BUS_UNAVAILABLE');
      // A refusal that cannot reach the DLQ is not answered 4xx either: the sender must keep it.
      expect((await fetch(`${running.url}${WEBHOOK}`, { method: 'POST', headers: JSON_HEADERS, body: '{"broken' })).status).toBe(503);
      const frame = JSON.stringify({ messageId: 'down-1', conversationId: 'c', customerId: 'u', author: 'customer', text: 'hello?', ts: 1795510872000 });
      expect(await handleChatFrame(Buffer.from(frame), running.publisher)).toMatchObject({ type: 'error', id: 'chat:generic:down-1', error: { code: 'CX_ERR_BUS_UNAVAILABLE' } });
      expect(await counter(registry, 'chat', 'failed')).toBe(3);
    } finally {
      await running.stop();
    }
  });

  it('refuses to run a connector that is not configured, naming what it needs', async () => {
    await expect(startConnector(emailConnector, { bus: recordingBus().bus, log: createLogger('silent'), cfg: loadConfig({}), port: 0 })).rejects.toThrow(/email connector is not configured.*CXPULSE_IMAP_HOST/);
  });
});

describe('which connectors cxpulse start runs (CXPULSE_CONNECTORS)', () => {
  const names = (env: Record<string, string>) => selectConnectors(loadConfig(env), CONNECTORS).map((s) => s.definition.name);

  it('runs every configured connector by default: e-mail only with CXPULSE_IMAP_HOST', () => {
    expect(names({})).toEqual(['chat', 'calls', 'crm']);
    expect(names({ CXPULSE_IMAP_HOST: 'imap.example.com', CXPULSE_IMAP_USER: 'u', CXPULSE_IMAP_PASS: 'p' })).toEqual(['chat', 'calls', 'crm', 'email']);
  });

  it('runs the listed ones, or none', () => {
    expect(names({ CXPULSE_CONNECTORS: 'chat, crm' })).toEqual(['chat', 'crm']);
    expect(names({ CXPULSE_CONNECTORS: 'none' })).toEqual([]);
  });

  it('gives each connector its settings from the config schema', () => {
    expect(callsConnector.configure(loadConfig({ CXPULSE_CALLS_DIR: '/var/calls', CXPULSE_CALLS_SPEAKERS: 'ch_0=customer,ch_1=agent', CXPULSE_MAX_TEXT_BYTES: '2048' }))).toEqual({
      config: { dir: '/var/calls', speakers: { ch_0: 'customer', ch_1: 'agent' } },
      maxTextBytes: 2048,
    });
    expect(chatConnector.configure(loadConfig({ CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC: '60', CXPULSE_CHAT_WS_TOKEN: 't' }))).toEqual({ signatureToleranceSec: 60, wsToken: 't', wsMaxConnections: 1000, wsMaxPending: 64 });
  });

  it('names a bad variable', () => {
    expect(() => names({ CXPULSE_CONNECTORS: 'chat,fax' })).toThrow(/CXPULSE_CONNECTORS.*fax.*expected chat, calls, crm, email or none/);
    expect(() => names({ CXPULSE_CONNECTORS: 'email' })).toThrow(/CXPULSE_CONNECTORS: 'email' is listed but not configured; it needs CXPULSE_IMAP_HOST/);
    expect(() => names({ CXPULSE_CALLS_SPEAKERS: 'spk_0=boss' })).toThrow(/CXPULSE_CALLS_SPEAKERS.*spk_0=boss/);
    expect(() => loadConfig({ CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC: 'soon' })).toThrow(/CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC/);
  });
});
