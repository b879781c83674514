/**
 * A tiny seeded PRNG and helpers. The simulator must replay the same traffic for a seed, so
 * every random draw goes through one of these instead of Math.random.
 */
import { seededRandom } from '../engine/util/index.ts';

export type Rng = () => number;

/** mulberry32 (the engine's one seeded generator): fast, 32-bit state, good enough spread for synthetic traffic. */
export const createRng: (seed: number) => Rng = seededRandom;

/** Integer in [min, max], both inclusive. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('simulator: pick() from an empty list');
  return item;
}

/** Picks a key with probability proportional to its weight. */
export function pickWeighted<T extends string>(rng: Rng, weights: Readonly<Partial<Record<T, number>>>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng() * total;
  for (const [key, weight] of entries) {
    roll -= weight;
    if (roll < 0) return key;
  }
  const last = entries[entries.length - 1];
  if (last === undefined) throw new Error('simulator: pickWeighted() with no weights');
  return last[0];
}

/** Replaces each `#` with a random digit (phone formats, card groups). */
export function fillDigits(rng: Rng, pattern: string): string {
  return pattern.replace(/#/g, () => String(intBetween(rng, 0, 9)));
}

/** Integer hash that spreads consecutive ids (customer 1, 2, 3…) over unrelated values. */
export function hash32(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
