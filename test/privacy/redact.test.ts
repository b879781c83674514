import { describe, expect, it } from 'vitest';
import { redactPii } from '../../engine/privacy/index.ts';

describe('redactPii', () => {
  it.each([
    ['write to anna.svensson@example.se today', 'write to [email] today', 'email'],
    ['ring mig på +46 70 123 45 67', 'ring mig på [phone]', 'phone'],
    ['Rufen Sie 0171 1234567 an', 'Rufen Sie [phone] an', 'phone'],
    ['call (555) 123-4567 please', 'call [phone] please', 'phone'],
    ['Ring gerne tilbage på 38 76 80 59.', 'Ring gerne tilbage på [phone].', 'phone'],
    ['Nummeret mitt er 481 11 988.', 'Nummeret mitt er [phone].', 'phone'],
    ['card 4111 1111 1111 1111 was charged twice', 'card [card] was charged twice', 'card'],
    ['kort 5500-0000-0000-0004 ble belastet', 'kort [card] ble belastet', 'card'],
  ] as const)('redacts %s', (input, expected, kind) => {
    const r = redactPii(input);
    expect(r.text).toBe(expected);
    expect(r.counts[kind]).toBe(1);
  });

  it.each([
    'order 100234 is late',
    'ordrenummer 20231115, beløp 1 299 kr',
    'between 2023-11-15 and 2024-01-01',
    'a 16-digit number failing Luhn 4111111111111112',
    'I waited 14 days',
  ])('leaves ordinary numbers alone: %s', (input) => {
    expect(redactPii(input).text).toBe(input);
  });
});
