import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutCredentials } from '../../engine/util/index.ts';

describe('withoutCredentials', () => {
  it('cuts user:pass@ out of every URL in a text and leaves the rest', () => {
    expect(withoutCredentials('cannot connect to NATS at NATS_URL=nats://svc:hunter2@nats:4222: timeout')).toBe('cannot connect to NATS at NATS_URL=nats://nats:4222: timeout');
    expect(withoutCredentials('a nats://u:p@h1:4222,nats://u:p@h2:4222 b')).toBe('a nats://h1:4222,nats://h2:4222 b');
    expect(withoutCredentials('mail me at x@example.com, see http://host/path@v2')).toBe('mail me at x@example.com, see http://host/path@v2');
    expect(withoutCredentials('')).toBe('');
  });

  it('never leaves a password that was in a URL', () => {
    const part = fc.stringMatching(/^[a-z0-9%._-]{1,12}$/);
    fc.assert(fc.property(fc.array(fc.tuple(part, part, part)), fc.string(), (urls, noise) => {
      const text = urls.map(([u, p, h]) => `${noise.replace(/[@/:\s]/g, '')} nats://${u}:SECRET${p}@${h}:4222`).join(' ');
      const out = withoutCredentials(text);
      expect(out).not.toContain('SECRET');
      expect(out.split('nats://').length).toBe(text.split('nats://').length);
    }), { numRuns: 500 });
  });

  // A quadratic scan of a megabyte takes minutes, far past the test timeout; one pass takes milliseconds.
  it('is linear on hostile input (a megabyte of "://", of one long authority, of user@ pairs)', () => {
    expect(withoutCredentials('://'.repeat(350_000))).toHaveLength(1_050_000);
    expect(withoutCredentials(`nats://${'a'.repeat(1 << 20)}`)).toHaveLength(7 + (1 << 20));
    expect(withoutCredentials('x://a@'.repeat(170_000))).toBe('x://'.repeat(170_000));
  });
});
