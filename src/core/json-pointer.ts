/**
 * JSON pointers (`#/components/schemas/Order`) into parsed documents. Resolution is bounded:
 * every `$ref` it follows is remembered and counted, so circular schemas cannot make it loop.
 */

import type { Segment } from './json-position.ts';

/** `$ref`s followed in one resolution; real chains are a handful long. */
export const MAX_HOPS = 64;

/** A plain mapping (not an array, not null): what OpenAPI objects are once parsed. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The segments of a `#/…` fragment, `~1`/`~0` and percent-escapes decoded; undefined if it is not a pointer. */
export function pointerSegments(fragment: string): string[] | undefined {
  const pointer = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  try {
    return pointer
      .slice(1)
      .split('/')
      .map((segment) => decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
  } catch {
    return undefined;
  }
}

/** What a pointer leads to, or why it leads nowhere. */
export type Resolution =
  | { ok: true; value: unknown; path: string[] }
  /** `at`: the segments that did resolve; `missing`: the first one that did not. */
  | { ok: false; reason: 'missing'; at: string[]; missing: string; keys: string[] }
  /** `too-long`: more than MAX_HOPS references in a row, none of them coming back. */
  | { ok: false; reason: 'loop' | 'too-long' | 'invalid' };

/**
 * Resolves an internal reference (`#/…`) in `document`. Like most tools, a `$ref` met half-way
 * is followed (`#/components/schemas/Alias/properties/id` through `Alias: {$ref: …}`), and a
 * target that is itself only a reference is followed to what it finally names; a chain that
 * comes back to where it started is reported as a loop.
 */
export function resolvePointer(document: unknown, ref: string): Resolution {
  const seen = new Set<string>();
  let current = ref;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (seen.has(current)) return { ok: false, reason: 'loop' };
    seen.add(current);
    const segments = pointerSegments(current);
    if (!segments) return { ok: false, reason: 'invalid' };
    const step = walk(document, segments, seen);
    if (!step.ok) return step;
    const next = isRecord(step.value) ? step.value['$ref'] : undefined;
    // Only a bare reference continues the chain; one with siblings is a definition of its own.
    if (typeof next !== 'string' || !next.startsWith('#') || Object.keys(step.value as object).length > 1) return step;
    current = next;
  }
  return { ok: false, reason: 'too-long' };
}

function walk(document: unknown, segments: readonly string[], seen: Set<string>): Resolution {
  let node = document;
  const path: string[] = [];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] ?? '';
    let hops = 0;
    // Step through a reference met half-way, as long as it is internal and new.
    while (isRecord(node) && !(segment in node) && typeof node['$ref'] === 'string' && node['$ref'].startsWith('#') && hops++ < MAX_HOPS) {
      const target = node['$ref'];
      if (seen.has(target)) return { ok: false, reason: 'loop' };
      seen.add(target);
      const inner = pointerSegments(target);
      const through = inner ? walk(document, inner, seen) : undefined;
      if (!through?.ok) return through ?? { ok: false, reason: 'invalid' };
      node = through.value;
    }
    const next = Array.isArray(node)
      ? /^(0|[1-9]\d*)$/.test(segment) ? node[Number(segment)] : undefined
      : isRecord(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (next === undefined) {
      const keys = isRecord(node) ? Object.keys(node) : Array.isArray(node) ? node.map((_, i) => String(i)) : [];
      return { ok: false, reason: 'missing', at: path, missing: segment, keys };
    }
    node = next;
    path.push(segment);
  }
  return { ok: true, value: node, path };
}

/**
 * Where `root` nests more than `limit` objects and arrays inside each other: the path to the
 * object past the limit (or to the shared object whose inside goes past it), or undefined.
 * Iterative, so it cannot overflow the stack itself, which is what it guards the recursive code
 * after it from; objects reached twice (YAML aliases) are measured once; cycles are not followed.
 */
export function nestedBeyond(root: unknown, limit: number): Segment[] | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  interface Frame { node: object; entries: Array<[Segment, unknown]>; next: number; key: Segment | undefined; below: number }
  /** Levels from an object down to its deepest descendant, itself included, once it is measured. */
  const height = new Map<object, number>();
  const active = new Set<object>();
  const stack: Frame[] = [];
  const enter = (node: object, key: Segment | undefined) => {
    active.add(node);
    const entries: Array<[Segment, unknown]> = Array.isArray(node) ? node.map((value, index) => [index, value]) : Object.entries(node);
    stack.push({ node, entries, next: 0, key, below: 0 });
  };
  const pathOf = () => stack.slice(1).map((frame) => frame.key!);
  enter(root, undefined);
  while (stack.length > 0) {
    if (stack.length > limit) return pathOf();
    const frame = stack.at(-1)!;
    if (frame.next < frame.entries.length) {
      const [key, child] = frame.entries[frame.next++]!;
      if (typeof child !== 'object' || child === null || active.has(child)) continue;
      const known = height.get(child);
      if (known === undefined) enter(child, key);
      else if (stack.length + known > limit) return [...pathOf(), key];
      else frame.below = Math.max(frame.below, known);
      continue;
    }
    stack.pop();
    active.delete(frame.node);
    height.set(frame.node, frame.below + 1);
    const parent = stack.at(-1);
    if (parent) parent.below = Math.max(parent.below, frame.below + 1);
  }
  return undefined;
}
