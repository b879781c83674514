import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Registry } from 'prom-client';
import { handleChatFrame, signGeneric } from '../../connectors/chat/index.ts';
import { connectorsConfigFromEnv, startConnector } from '../../connectors/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { counter, fixture, recordingBus } from './helpers.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const WEBHOOK = '/v1/connectors/chat/webhook';

describe('the chat connector standalone (cxpulse connector chat)', () => {
  it('serves the webhook, the WebSocket, /healthz and /metrics on its own port', async () => {
    const rec = recordingBus();
    const running = await startConnector('chat', { bus: rec.bus, log: createLogger('silent'), config: connectorsConfigFromEnv({ CXPULSE_CHAT_WEBHOOK_SECRET: 'cli-secret' }), port: 0, host: '127.0.0.1' });
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
    const running = await startConnector('chat', { bus: { publishEvent: down, deadLetter: down }, log: createLogger('silent'), config: {}, port: 0, host: '127.0.0.1', registry, retry: { initialDelayMs: 5, giveUpAfterMs: 50 } });
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

  it('reads its configuration from the environment and names a bad variable', () => {
    expect(connectorsConfigFromEnv({ CXPULSE_CONNECTORS: 'chat,crm', CXPULSE_CALLS_DIR: '/var/calls', CXPULSE_CALLS_SPEAKERS: 'ch_0=customer,ch_1=agent' })).toMatchObject({
      enabled: ['chat', 'crm'],
      calls: { dir: '/var/calls', speakers: { ch_0: 'customer', ch_1: 'agent' } },
    });
    expect(connectorsConfigFromEnv({ CXPULSE_CONNECTORS: 'none' }).enabled).toEqual([]);
    expect(() => connectorsConfigFromEnv({ CXPULSE_CONNECTORS: 'chat,fax' })).toThrow(/CXPULSE_CONNECTORS.*fax/);
    expect(() => connectorsConfigFromEnv({ CXPULSE_CALLS_SPEAKERS: 'spk_0=boss' })).toThrow(/CXPULSE_CALLS_SPEAKERS.*spk_0=boss/);
    expect(() => connectorsConfigFromEnv({ CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC: 'soon' })).toThrow(/CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC=soon/);
    // The engine's parsed config (numbers, not strings) is read the same way.
    expect(connectorsConfigFromEnv({ CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC: 60, CXPULSE_MAX_TEXT_BYTES: 2048 })).toMatchObject({ chat: { signatureToleranceSec: 60 }, maxTextBytes: 2048 });
  });
});
