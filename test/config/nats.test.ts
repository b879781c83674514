import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, natsServersOf, parseNatsServers } from '../../engine/config/index.ts';

describe('NATS_URL as a list of servers', () => {
  it('takes one server or a comma list, trimmed, in order', () => {
    expect(parseNatsServers('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
    expect(parseNatsServers(' nats://a:4222 ,tls://b.example.com:4443,  c-1.nats.svc:4222 ')).toEqual(['nats://a:4222', 'tls://b.example.com:4443', 'c-1.nats.svc:4222']);
    expect(parseNatsServers('nats://user:secret@a:4222,[::1]:4222,nats://a')).toEqual(['nats://user:secret@a:4222', '[::1]:4222', 'nats://a']);
  });

  it('is checked by loadConfig; unset means the local default, memory stays the in-process bus', () => {
    expect(loadConfig({ NATS_URL: 'nats://a:4222,nats://b:4222' }).NATS_URL).toBe('nats://a:4222,nats://b:4222');
    expect(natsServersOf(loadConfig({}))).toEqual(['nats://127.0.0.1:4222']);
    expect(natsServersOf(loadConfig({ NATS_URL: 'nats://a:4222, nats://b:4222' }))).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(loadConfig({ NATS_URL: 'memory' }).NATS_URL).toBe('memory');
  });

  it('refuses a bad entry with an error naming it and its place in the list', () => {
    const bad = (v: string) => () => loadConfig({ NATS_URL: v });
    expect(bad('nats://a:4222,http://b:4222')).toThrow(ConfigError);
    expect(bad('nats://a:4222,http://b:4222')).toThrow(/NATS_URL: "http:\/\/b:4222" \(server 2 of 2\) has scheme 'http'; expected nats:\/\/host:port, tls:\/\/host:port or host:port/);
    expect(bad('nats://a:4222,,nats://b:4222')).toThrow(/"" \(server 2 of 3\) is empty/);
    expect(bad('nats://a:4222,')).toThrow(/server 2 of 2\) is empty/);
    expect(bad('localhost')).toThrow(/"localhost" is not a URL or host:port/);
    expect(bad('a:99999')).toThrow(/port 99999, outside 1..65535/);
    expect(bad('nats://a:4222/some/path')).toThrow(/has a path or query/);
    expect(bad('nats://a b:4222')).toThrow(/is not a valid URL/);
  });

  it('keeps credentials out of the error', () => {
    expect(() => loadConfig({ NATS_URL: 'nats://user:hunter2@a:4222/x' })).toThrow(/"nats:\/\/a:4222\/x"/);
    expect(() => loadConfig({ NATS_URL: 'nats://user:hunter2@a:4222/x' })).not.toThrow(/hunter2/);
  });

  it("keeps 'memory' alone: not in a list, and not a server for the tools", () => {
    expect(() => loadConfig({ NATS_URL: 'nats://a:4222,memory' })).toThrow(/'memory' \(the in-process bus\) stands alone, not in a list of servers/);
    expect(() => parseNatsServers('memory', '--nats')).toThrow(/--nats: 'memory' is the in-process bus, not a NATS server/);
  });
});
