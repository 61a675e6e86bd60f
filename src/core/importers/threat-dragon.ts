/**
 * OWASP Threat Dragon v2 models (`{ version, summary, detail: { diagrams: [{ cells }] } }`), as
 * saved by Threat Dragon 2.x; see its demo models in `td.vue/src/service/demo/` and the v2 schema
 * `owasp.threat-dragon.schema.V2.json`. Threats live on the cells of each diagram
 * (`cells[].data.threats[]`), so a threat's target is the cell it sits on.
 */
import type { Segment } from '../json-position.ts';
import type { Level, Threat } from '../schemas/threats.ts';
import { isRecord, list, normalise, strideOf, text, type Draft, type ImportSession } from './common.ts';

/** Threat Dragon v1 and v2 models both have a `summary` and `detail.diagrams`. */
export function isThreatDragon(value: unknown): boolean {
  return isRecord(value) && isRecord(value['summary']) && isRecord(value['detail']) && Array.isArray(value['detail']['diagrams']);
}

/**
 * Categories of Threat Dragon's other model types that still say something STRIDE does: CIA is
 * what STRIDE was derived from, and two LINDDUN categories have a STRIDE twin. The rest (LINDDUN's
 * linkability, DIE, PLOT4ai, …) do not map.
 */
const NEAR_STRIDE: Record<string, Threat['stride'][number]> = {
  confidentiality: 'information-disclosure',
  integrity: 'tampering',
  availability: 'denial-of-service',
  disclosureofinformation: 'information-disclosure',
  nonrepudiation: 'repudiation',
};

/** Threat Dragon's severity is one overall rating: pick the likelihood × impact whose derived risk is the same level. */
const SEVERITY: Record<string, { likelihood: Level; impact: Level }> = {
  low: { likelihood: 'low', impact: 'low' },
  medium: { likelihood: 'medium', impact: 'medium' },
  high: { likelihood: 'medium', impact: 'high' },
  critical: { likelihood: 'high', impact: 'high' },
};

const STATUS: Record<string, Threat['status']> = { open: 'open', mitigated: 'mitigated', notapplicable: 'not-applicable', 'n/a': 'not-applicable', na: 'not-applicable' };

export function importThreatDragon(doc: Record<string, unknown>, session: ImportSession): Draft[] {
  const diagrams = list((doc['detail'] as Record<string, unknown>)['diagrams']);
  const version = text(doc['version']);
  if ((version !== undefined && !version.startsWith('2')) || (version === undefined && diagrams.some((d) => isRecord(d) && 'diagramJson' in d))) {
    session.report('import/unknown-format', ['version'], `This is a Threat Dragon ${version ?? 'v1'} model; only v2 models are imported, so none of its threats are published.`,
      'Open the model in Threat Dragon 2.x and save it again: that upgrades it to the v2 format.');
    return [];
  }
  const drafts: Draft[] = [];
  diagrams.forEach((diagram, d) => {
    if (!isRecord(diagram)) return;
    list(diagram['cells']).forEach((cell, c) => {
      const data = isRecord(cell) ? cell['data'] : undefined;
      if (!isRecord(data)) return;
      const cellPath: Segment[] = ['detail', 'diagrams', d, 'cells', c, 'data'];
      const element = text(data['name']) ?? text(isRecord(cell) && isRecord(cell['attrs']) && isRecord(cell['attrs']['text']) ? cell['attrs']['text']['text'] : undefined);
      list(data['threats']).forEach((raw, t) => {
        if (!isRecord(raw)) return;
        const draft = threatOf(raw, [...cellPath, 'threats', t], { element, path: [...cellPath, 'name'] }, session);
        if (draft) drafts.push(draft);
      });
    });
  });
  return drafts;
}

function threatOf(raw: Record<string, unknown>, path: Segment[], cell: { element: string | undefined; path: Segment[] }, session: ImportSession): Draft | undefined {
  const title = text(raw['title']) ?? text(raw['id']) ?? 'Untitled threat';
  const at = (field: string): Segment[] => (field in raw ? [...path, field] : path);

  const type = text(raw['type']);
  const modelType = text(raw['modelType']) ?? 'STRIDE';
  let stride = strideOf(type);
  if (!stride && type) {
    stride = NEAR_STRIDE[normalise(type)];
    if (stride) {
      session.report('import/lossy', at('type'), `Threat "${title}" is a ${modelType} "${type}" threat; it is published as STRIDE ${stride}.`,
        'Change its type to a STRIDE category in Threat Dragon if another one fits better.');
    }
  }
  if (!stride) {
    session.report('import/unmapped-category', at('type'), `Threat "${title}" has ${type ? `the ${modelType} type "${type}"` : 'no type'}, which is no STRIDE category, so it is not published.`,
      'Give it a STRIDE type in Threat Dragon (Spoofing, Tampering, Repudiation, Information disclosure, Denial of service, Elevation of privilege), or write it in threats.yaml.');
    return undefined;
  }

  const severity = text(raw['severity']);
  let levels = severity ? SEVERITY[severity.toLowerCase()] : undefined;
  if (!levels) {
    levels = SEVERITY['medium']!;
    session.report('import/lossy', at('severity'), `Threat "${title}" has ${severity ? `the severity "${severity}"` : 'no severity'}; it is published as medium likelihood and medium impact.`,
      'Set its severity to Low, Medium, High or Critical in Threat Dragon.');
  }

  const statusText = text(raw['status']);
  let status = statusText ? STATUS[normalise(statusText)] : undefined;
  if (!status) {
    status = 'open';
    session.report('import/lossy', at('status'), `Threat "${title}" has ${statusText ? `the status "${statusText}"` : 'no status'}; it is published as open.`,
      'Set its status to Open, Mitigated or N/A in Threat Dragon.');
  }
  if (text(raw['score'])) {
    session.report('import/lossy', at('score'), `The score "${text(raw['score'])}" of threat "${title}" has no place in the threat model and is not published.`,
      'Put what the score says into the severity, or into the description.');
  }

  const target = cell.element ? session.matchComponent(cell.element) : undefined;
  if (!target) session.unmatched(cell.element ? cell.path : path, cell.element ?? '(unnamed element)', title);

  const mitigation = text(raw['mitigation']);
  const number = typeof raw['number'] === 'number' ? raw['number'] : undefined;
  return {
    number,
    name: title,
    path,
    threat: {
      title,
      stride: [stride],
      target: target ? [target] : [],
      description: text(raw['description']) ?? title,
      ...levels,
      mitigations: mitigation ? [mitigation] : [],
      status,
    },
    fields: {
      id: at('number'), title: at('title'), stride: at('type'), target: cell.path, description: at('description'),
      likelihood: at('severity'), impact: at('severity'), mitigations: at('mitigation'), status: at('status'),
    },
  };
}
