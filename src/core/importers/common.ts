/**
 * What the threat-model importers share: the rules, the result shape, target matching, ID
 * allocation and the mapping of STRIDE names, so that Threat Dragon and OTM read the same way.
 */
import { problem, type Diagnostic, type RuleInfo } from '../diagnostics.ts';
import type { Located } from '../items.ts';
import { jsonLocator, type Locator, type Segment } from '../json-position.ts';
import type { SourceRef } from '../model.ts';
import { STRIDE, type Level, type Threat } from '../schemas/threats.ts';
import type { DocPath } from '../yaml.ts';

export const importerRules = {
  'import/invalid-json': { severity: 'error', description: 'A threat model export that is not valid JSON.' },
  'import/unknown-format': { severity: 'warning', description: 'A JSON threat model in a format or version the importers do not read (e.g. Threat Dragon v1); none of its threats are published.' },
  'import/unmatched-target': { severity: 'warning', description: 'An element of an imported threat model that matches no component of the context diagram; the threat is kept without that target.' },
  'import/unmapped-category': { severity: 'warning', description: 'An imported threat none of whose categories is a STRIDE category (LINDDUN, CIA, DIE, …); it is not published.' },
  'import/lossy': { severity: 'warning', description: 'An imported threat lost information on the way to the threats.yaml model (a category, a severity, a state, an ID).' },
} as const satisfies Record<string, RuleInfo>;

export type ImporterRule = keyof typeof importerRules;
export type ThreatModelKind = 'threat-dragon' | 'otm';

/** What the bundle tells an importer. */
export interface ImportContext {
  /** The feature key (`CHK`): imported IDs are `CHK-T-01`, … */
  featureKey: string;
  /** The components of the bundle's context diagram, which targets are matched against. */
  components: ReadonlyArray<{ id: string; label: string }>;
  /** IDs already in use (e.g. from `threats.yaml`), which derived IDs avoid. */
  takenIds?: ReadonlySet<string> | undefined;
}

export interface ImportResult {
  kind?: ThreatModelKind | undefined;
  threats: Located<Threat>[];
  diagnostics: Diagnostic[];
}

/** One threat as read from the source, before IDs are allocated. */
export interface Draft {
  /** The source's own number (Threat Dragon's `number`), used for the ID when free. */
  number?: number | undefined;
  /** How the source names it, for messages: its title or source ID. */
  name: string;
  threat: Omit<Threat, 'id'>;
  /** Where the threat is written. */
  path: Segment[];
  /** Where each field of the Threat came from, relative to the document root. */
  fields: Partial<Record<keyof Threat, Segment[]>>;
}

/** Shared state for one file: where things are, and the diagnostics so far. */
export class ImportSession {
  readonly diagnostics: Diagnostic[] = [];
  readonly locator: Locator;
  readonly file: string;
  readonly ctx: ImportContext;
  constructor(text: string, file: string, ctx: ImportContext) {
    this.locator = jsonLocator(text);
    this.file = file;
    this.ctx = ctx;
  }

  report(rule: ImporterRule, path: readonly Segment[], message: string, hint: string): void {
    this.diagnostics.push(problem(importerRules, rule, { file: this.file, ...this.locator.locate(path) }, message, hint));
  }

  /** `component:<id>` for an element named like a component of the context diagram (ID first, then label). */
  matchComponent(...names: Array<string | undefined>): string | undefined {
    const wanted = names.filter((n): n is string => typeof n === 'string' && n.trim() !== '').map(normalise);
    const found =
      this.ctx.components.find((c) => wanted.includes(normalise(c.id))) ??
      this.ctx.components.find((c) => c.label.trim() !== '' && wanted.includes(normalise(c.label)));
    return found ? `component:${found.id}` : undefined;
  }

  unmatched(path: readonly Segment[], element: string, threat: string): void {
    const known = this.ctx.components.map((c) => c.id);
    this.report('import/unmatched-target', path, `"${element}" (target of threat "${threat}") matches no component of context.mmd; the threat is kept without this target.`,
      known.length > 0
        ? `Rename the element to a component ID of context.mmd (${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}), or add it to the diagram.`
        : 'Add a context.mmd whose component IDs match the element names of the threat model.');
  }

  /** Turns drafts into located threats with `<KEY>-T-<nn>` IDs: the source's number when free, else the next free one. */
  finish(drafts: readonly Draft[]): Located<Threat>[] {
    const taken = new Set(this.ctx.takenIds ?? []);
    const key = this.ctx.featureKey;
    const idOf = (n: number) => `${key}-T-${String(n).padStart(2, '0')}`;
    const ids = new Map<Draft, string>();
    for (const draft of drafts) {
      // Past 2^53 a number is written in exponent form (`1e+21`), which is no item ID.
      if (draft.number === undefined || !Number.isSafeInteger(draft.number) || draft.number < 1) continue;
      const id = idOf(draft.number);
      if (taken.has(id)) {
        this.report('import/lossy', draft.fields.id ?? draft.path, `Threat "${draft.name}" has number ${draft.number}, but ${id} is already used; it gets the next free ID.`,
          'Renumber the threat in the source model, or renumber the threats.yaml entry, so the ID stays stable.');
        continue;
      }
      taken.add(id);
      ids.set(draft, id);
    }
    let next = 1;
    for (const draft of drafts) {
      if (ids.has(draft)) continue;
      while (taken.has(idOf(next))) next += 1;
      taken.add(idOf(next));
      ids.set(draft, idOf(next));
    }
    return drafts.map((draft) => {
      const where = (path: readonly Segment[]): SourceRef & { column: number } => ({ file: this.file, ...this.locator.locate(path) });
      return {
        item: { id: ids.get(draft)!, ...draft.threat },
        at: { file: this.file, line: this.locator.locate(draft.path).line },
        locate: (path: DocPath) => {
          const field = path[0];
          // Inside a list field (`mitigations[1]`) the source rarely has the same shape: point at the field.
          return where((typeof field === 'string' ? draft.fields[field as keyof Threat] : undefined) ?? draft.path);
        },
      };
    });
  }
}

/** Case-, space-, dash- and underscore-insensitive: `Payment Gateway` = `payment_gateway`. */
export const normalise = (name: string): string => name.toLowerCase().replace(/[\s_\-.]+/g, '');

/**
 * STRIDE category names as tools write them: Threat Dragon's `Information disclosure`, OTM's
 * `Spoofing`, IriusRisk's `Elevation of Privilege`, or the single letters.
 */
const STRIDE_NAMES: Record<string, (typeof STRIDE)[number]> = {
  ...Object.fromEntries(STRIDE.map((s) => [normalise(s), s])),
  s: 'spoofing', t: 'tampering', r: 'repudiation', i: 'information-disclosure', d: 'denial-of-service', e: 'elevation-of-privilege',
  informationdisclosure: 'information-disclosure',
  denialofservice: 'denial-of-service',
  elevationofprivilege: 'elevation-of-privilege',
  elevationofprivileges: 'elevation-of-privilege',
  escalationofprivilege: 'elevation-of-privilege',
};

/** The STRIDE category of a category name, if it is one. */
export function strideOf(name: unknown): (typeof STRIDE)[number] | undefined {
  return typeof name === 'string' ? STRIDE_NAMES[normalise(name)] : undefined;
}

/** A 0–100 score as a level: below 34 low, below 67 medium, else high. */
export function levelOfScore(score: number): Level {
  return score < 34 ? 'low' : score < 67 ? 'medium' : 'high';
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
