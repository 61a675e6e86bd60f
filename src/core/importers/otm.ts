/**
 * Open Threat Model (OTM) documents, JSON form: `{ otmVersion, project, components, dataflows,
 * threats, mitigations }`, per `otm_schema.json` of iriusrisk/OpenThreatModel. Threats and
 * mitigations are defined once at the top level and instanced on components and dataflows
 * (`components[].threats[] = { threat, state, mitigations: [{ mitigation, state }] }`).
 */
import type { Segment } from '../json-position.ts';
import type { Level, Threat } from '../schemas/threats.ts';
import { isRecord, levelOfScore, list, normalise, strideOf, text, type Draft, type ImportSession } from './common.ts';

export function isOtm(value: unknown): boolean {
  return isRecord(value) && typeof value['otmVersion'] === 'string' && isRecord(value['project']);
}

/** OTM leaves states free; these are the ones IriusRisk and StartLeft write. */
const STATE: Record<string, Threat['status']> = {
  exposed: 'open', expose: 'open', open: 'open', required: 'open', recommended: 'open',
  mitigated: 'mitigated', mitigate: 'mitigated', implemented: 'mitigated',
  accepted: 'accepted', accept: 'accepted',
  transferred: 'transferred', transfer: 'transferred',
  notapplicable: 'not-applicable', na: 'not-applicable',
};
/** States that say less than ours: `partly-mitigated` is still open. */
const PARTIAL: Record<string, Threat['status']> = { partlymitigated: 'open', partiallymitigated: 'open' };
/** When instances disagree, the threat stands where its worst instance stands. */
const ORDER: Threat['status'][] = ['open', 'accepted', 'transferred', 'mitigated', 'not-applicable'];

interface Instance {
  element: { id: string | undefined; name: string | undefined; path: Segment[] };
  path: Segment[];
  state: string | undefined;
  mitigations: Array<{ id: string | undefined; state: string | undefined }>;
}

export function importOtm(doc: Record<string, unknown>, session: ImportSession): Draft[] {
  const instances = new Map<string, Instance[]>();
  for (const key of ['components', 'dataflows'] as const) {
    list(doc[key]).forEach((element, e) => {
      if (!isRecord(element)) return;
      list(element['threats']).forEach((instance, i) => {
        if (!isRecord(instance)) return;
        const id = text(instance['threat']);
        if (!id) return;
        const found = instances.get(id) ?? [];
        found.push({
          element: { id: text(element['id']), name: text(element['name']), path: [key, e, 'id'] },
          path: [key, e, 'threats', i],
          state: text(instance['state']),
          mitigations: list(instance['mitigations']).filter(isRecord).map((m) => ({ id: text(m['mitigation']), state: text(m['state']) })),
        });
        instances.set(id, found);
      });
    });
  }
  const mitigations = new Map<string, string>();
  for (const m of list(doc['mitigations'])) {
    if (!isRecord(m) || !text(m['id'])) continue;
    const name = text(m['name']);
    const description = text(m['description']);
    mitigations.set(text(m['id'])!, name && description && description !== name ? `${name}: ${description}` : (name ?? description ?? text(m['id'])!));
  }

  const drafts: Draft[] = [];
  list(doc['threats']).forEach((raw, t) => {
    if (!isRecord(raw)) return;
    const draft = threatOf(raw, ['threats', t], instances.get(text(raw['id']) ?? '') ?? [], mitigations, session);
    if (draft) drafts.push(draft);
  });
  return drafts;
}

function threatOf(raw: Record<string, unknown>, path: Segment[], instances: Instance[], mitigationText: Map<string, string>, session: ImportSession): Draft | undefined {
  const title = text(raw['name']) ?? text(raw['id']) ?? 'Untitled threat';
  const at = (...field: Segment[]): Segment[] => [...path, ...field];

  const categories = list(raw['categories']).filter((c): c is string => typeof c === 'string');
  const stride = [...new Set(categories.map(strideOf).filter((s) => s !== undefined))];
  const other = categories.filter((c) => !strideOf(c));
  if (stride.length === 0) {
    session.report('import/unmapped-category', at('categories'), `Threat "${title}" has ${other.length > 0 ? `${other.length === 1 ? 'the category' : 'the categories'} ${other.map((c) => `"${c}"`).join(', ')}, ${other.length === 1 ? 'which is no' : 'none of which is a'} STRIDE category` : 'no categories'}, so it is not published.`,
      'Add a STRIDE category (Spoofing, Tampering, Repudiation, Information Disclosure, Denial of Service, Elevation of Privilege) to its `categories`, or write it in threats.yaml.');
    return undefined;
  }
  if (other.length > 0) {
    session.report('import/lossy', at('categories'), `Threat "${title}": ${other.length === 1 ? 'the category' : 'the categories'} ${other.map((c) => `"${c}"`).join(', ')} ${other.length === 1 ? 'is no STRIDE category and is' : 'are no STRIDE categories and are'} not published.`,
      'Keep only STRIDE categories, or mention the others in the description.');
  }

  const risk = isRecord(raw['risk']) ? raw['risk'] : {};
  const level = (field: 'likelihood' | 'impact'): Level => {
    const score = risk[field];
    if (typeof score === 'number' && Number.isFinite(score)) return levelOfScore(score);
    session.report('import/lossy', at('risk', field), `Threat "${title}" has no numeric ${field}; it is published as medium.`, `Set \`risk.${field}\` to a score from 0 to 100.`);
    return 'medium';
  };

  const targets: string[] = [];
  for (const instance of instances) {
    const target = session.matchComponent(instance.element.id, instance.element.name);
    if (target) {
      if (!targets.includes(target)) targets.push(target);
    } else {
      session.unmatched(instance.element.path, instance.element.name ?? instance.element.id ?? '(unnamed element)', title);
    }
  }

  const mitigations: string[] = [];
  for (const m of instances.flatMap((i) => i.mitigations)) {
    const described = m.id ? (mitigationText.get(m.id) ?? m.id) : undefined;
    if (described && !mitigations.includes(described)) mitigations.push(described);
  }

  return {
    name: title,
    path,
    threat: {
      title,
      stride,
      target: targets,
      description: text(raw['description']) ?? title,
      likelihood: level('likelihood'),
      impact: level('impact'),
      mitigations,
      status: statusOf(title, instances, session),
    },
    fields: {
      id: at('id'), title: at('name'), stride: at('categories'), target: instances[0]?.element.path ?? path, description: at('description'),
      likelihood: at('risk', 'likelihood'), impact: at('risk', 'impact'), mitigations: instances[0] ? [...instances[0].path, 'mitigations'] : path,
      status: instances[0] ? [...instances[0].path, 'state'] : path,
    },
  };
}

/** A threat's status from the states of its instances, or from its mitigations' states when the threat has none. */
function statusOf(title: string, instances: Instance[], session: ImportSession): Threat['status'] {
  const statuses: Threat['status'][] = [];
  for (const instance of instances) {
    const key = instance.state ? normalise(instance.state) : undefined;
    let status = key ? (STATE[key] ?? PARTIAL[key]) : undefined;
    if (key && PARTIAL[key]) {
      session.report('import/lossy', [...instance.path, 'state'], `Threat "${title}" is "${instance.state}"; it is published as open.`, 'Mark it mitigated once every required mitigation is implemented.');
    }
    if (!status) {
      const states = instance.mitigations.map((m) => (m.state ? normalise(m.state) : ''));
      status = states.length > 0 && states.every((s) => s === 'implemented' || s === 'notapplicable') ? 'mitigated' : 'open';
      session.report('import/lossy', [...instance.path, 'state'], `Threat "${title}" has ${instance.state ? `the unknown state "${instance.state}"` : 'no state'}; it is published as ${status}, from its mitigations.`,
        'Use one of the states exposed, mitigated, partly-mitigated, accepted, transferred or not-applicable.');
    }
    statuses.push(status);
  }
  if (statuses.length === 0) return 'open';
  const worst = ORDER.find((s) => statuses.includes(s))!;
  if (new Set(statuses).size > 1) {
    session.report('import/lossy', [...instances[0]!.path, 'state'], `Threat "${title}" has different states on its elements (${[...new Set(statuses)].join(', ')}); it is published as ${worst}.`,
      'Give the threat the same state on every element, or split it per element in threats.yaml.');
  }
  return worst;
}
