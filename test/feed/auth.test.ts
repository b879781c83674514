import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { connect, refusal, SECRET, startFeedApp, token, until, type FeedApp } from './helpers.ts';

let feed: FeedApp;
beforeAll(async () => {
  feed = await startFeedApp({ secret: SECRET });
});
afterAll(() => feed.close());

describe('feed authentication (CXPULSE_JWT_SECRET set)', () => {
  it('refuses a missing token with HTTP 401 and the catalog error before the upgrade', async () => {
    const r = await refusal(feed.wsUrl);
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('CX_ERR_UNAUTHORIZED');
    expect(r.body.error?.message).toMatch(/requires a token/);
  });

  it.each([
    ['an expired token', () => token({ role: 'supervisor' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), /expired/],
    ['a token signed with another secret', () => token({ role: 'supervisor' }, { secret: 'another-secret-another-secret-another!!' }), /signature/],
    ['a token without exp', () => token({ role: 'supervisor' }, { noExp: true }), /exp/],
    ['garbage', async () => 'not.a.jwt', /not a valid JWT/],
    ['an unknown role', () => token({ role: 'root' }), /role/],
    ['an agent without sub', () => token({ role: 'agent' }), /sub/],
    ['alg none', async () => unsigned({ role: 'admin', exp: Math.floor(Date.now() / 1000) + 300 }), /.+/],
    ['HS512 with the right secret', () => new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET)), /algorithm/],
  ])('refuses %s with 401, in the header and in ?token=', async (_what, make, message) => {
    const t = await make();
    for (const auth of [{ header: `Bearer ${t}` }, { query: t }]) {
      const r = await refusal(feed.wsUrl, auth);
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe('CX_ERR_UNAUTHORIZED');
      expect(r.body.error?.message).toMatch(message);
    }
  });

  it('refuses an Authorization header that is not Bearer', async () => {
    const r = await refusal(feed.wsUrl, { header: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('CX_ERR_UNAUTHORIZED');
  });

  it('refuses the ingest role with 403: it may publish, not read', async () => {
    const r = await refusal(feed.wsUrl, { header: `Bearer ${await token({ role: 'ingest', sub: 'crm-sync' })}` });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('CX_ERR_FORBIDDEN');
  });

  it('accepts a valid token in the header or in ?token= and says who the client is', async () => {
    const viaHeader = await connect(feed.wsUrl, { header: await token({ role: 'agent', sub: 'ag-7' }) });
    const viaQuery = await connect(feed.wsUrl, { query: await token({ role: 'supervisor', sub: 'sup-1' }) });
    await until(() => viaHeader.messages.length >= 2 && viaQuery.messages.length >= 2, 5000, () => 'hello and snapshot');
    expect(viaHeader.messages[0]).toMatchObject({ type: 'hello', protocol: 1, role: 'agent', sub: 'ag-7', authenticated: true });
    expect(viaHeader.messages[1]).toEqual({ type: 'snapshot', events: [], cues: [], alerts: [] });
    expect(viaQuery.messages[0]).toMatchObject({ type: 'hello', role: 'supervisor', authenticated: true });
    viaHeader.ws.close();
    viaQuery.ws.close();
  });
});

describe('token lifetime and claims', () => {
  it('closes a socket with 4401 "token expired" when its token expires, tolerance included', async () => {
    const exp = Math.floor(Date.now() / 1000) + 1;
    const c = await connect(feed.wsUrl, { header: await token({ role: 'supervisor' }, { expiresIn: exp }) });
    await until(() => c.messages.length >= 2, 5000, () => 'hello and snapshot');
    const closed = await c.closed;
    expect(closed).toEqual({ code: 4401, reason: 'token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual((exp + 5) * 1000 - 50);
  }, 20_000);

  it('keeps a socket whose token is still valid open', async () => {
    const c = await connect(feed.wsUrl, { header: await token({ role: 'supervisor' }, { expiresIn: '1h' }) });
    await new Promise((r) => setTimeout(r, 300));
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.ws.close();
  });

  it('with CXPULSE_JWT_ISSUER and CXPULSE_JWT_AUDIENCE set, takes only tokens that carry both, on every route', async () => {
    const strict = await startFeedApp({ secret: SECRET, claims: { issuer: 'https://idp.example', audience: 'cxpulse' } });
    try {
      const missing = await refusal(strict.wsUrl, { header: `Bearer ${await token({ role: 'supervisor' })}` });
      expect(missing.status).toBe(401);
      expect(missing.body.error?.message).toMatch(/iss/);
      const wrongAud = await refusal(strict.wsUrl, { header: `Bearer ${await token({ role: 'supervisor', iss: 'https://idp.example', aud: 'grafana' })}` });
      expect(wrongAud.status).toBe(401);
      expect(wrongAud.body.error?.message).toMatch(/aud/);
      const ok = await connect(strict.wsUrl, { header: await token({ role: 'supervisor', iss: 'https://idp.example', aud: ['grafana', 'cxpulse'] }) });
      await until(() => ok.messages.length >= 1, 5000, () => 'hello');
      ok.ws.close();
      const post = (t: string) => strict.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, payload: '{}' });
      expect((await post(await token({ role: 'ingest' }))).statusCode).toBe(401);
      // Past the token check: the empty event is refused for what it is.
      expect((await post(await token({ role: 'ingest', iss: 'https://idp.example', aud: 'cxpulse' }))).statusCode).toBe(400);
    } finally {
      await strict.close();
    }
  });
});

describe('feed without CXPULSE_JWT_SECRET', () => {
  it('stays open to a client without a token, as before, and says so in hello', async () => {
    const open = await startFeedApp();
    try {
      const c = await connect(open.wsUrl);
      await until(() => c.messages.length >= 2, 5000, () => 'hello and snapshot');
      expect(c.messages[0]).toMatchObject({ type: 'hello', role: 'open', authenticated: false });
      c.ws.close();
    } finally {
      await open.close();
    }
  });
});

function unsigned(claims: Record<string, unknown>): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}
