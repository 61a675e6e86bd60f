/**
 * The whole pipeline (`loadPortal`: scan → parse → validate → link) on small content roots that
 * are broken on purpose, one folder of `test/fixtures/broken/` per scenario, plus the valid
 * two-bundle portal in `test/fixtures/portal-valid/`. Cases that need odd bytes or symbolic links
 * build their content root in a temporary folder instead.
 *
 * Every expected diagnostic is pinned by rule, file (relative to that case's content root), line
 * (and column where the position is meaningful) and severity, and must carry a hint.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, Severity } from '../../src/core/diagnostics.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Feature, Portal } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const BROKEN = path.join(import.meta.dirname, '../fixtures/broken');
const VALID = path.join(import.meta.dirname, '../fixtures/portal-valid');

afterAll(closeMermaid);

/** Each fixture is loaded once, however many tests look at it. */
const loaded = new Map<string, Promise<Portal>>();
function load(kase: string): Promise<Portal> {
  let portal = loaded.get(kase);
  if (!portal) {
    portal = loadPortal(path.join(BROKEN, kase));
    loaded.set(kase, portal);
  }
  return portal;
}
/** A case's diagnostics, without the cross-artefact `consistency/*` warnings its minimal bundles raise. */
const diagnosticsOf = async (kase: string) => (await load(kase)).diagnostics.filter((d) => !d.rule.startsWith('consistency/'));

/** What a test pins down about one diagnostic. `column` is left out where it means nothing. */
interface Expected {
  severity: Severity;
  rule: string;
  file: string;
  line: number;
  column?: number;
}

const fields = (d: Diagnostic) => ({ severity: d.severity, rule: d.rule, file: d.file, line: d.line, column: d.column });

const expectHints = (diagnostics: readonly Diagnostic[]) => {
  for (const d of diagnostics) expect(d.hint.trim(), `hint of ${d.rule} at ${d.file}:${d.line}`).not.toBe('');
};

/**
 * The diagnostics are exactly these, in this (sorted) order, each with a non-empty hint.
 * Cross-artefact `consistency/*` warnings are left out unless the expectation names one: the
 * broken fixtures are minimal bundles, and their consistency is tested on its own below.
 */
function expectExactly(diagnostics: readonly Diagnostic[], expected: readonly Expected[]) {
  const checksConsistency = expected.some((e) => e.rule.startsWith('consistency/'));
  const relevant = checksConsistency ? diagnostics : diagnostics.filter((d) => !d.rule.startsWith('consistency/'));
  expect(relevant.map(fields)).toEqual(expected.map((e) => ({ column: expect.any(Number), ...e })));
  expectHints(diagnostics);
}

/** The one diagnostic whose message starts with `start` (e.g. a reference as written). */
function find(diagnostics: readonly Diagnostic[], file: string, start: string): Diagnostic {
  const found = diagnostics.filter((d) => d.file === file && d.message.startsWith(start));
  expect(found, `one diagnostic in ${file} starting with ${JSON.stringify(start)}`).toHaveLength(1);
  return found[0]!;
}

/** Message and hint as one text, for inline snapshots of the wording. */
const wording = (d: Diagnostic) => `${d.message}\nhint: ${d.hint}`;

function featureOf(portal: Portal, slug: string): Feature {
  const feature = portal.features.find((f) => f.slug === slug);
  if (!feature) throw new Error(`no feature ${slug} in ${portal.root}`);
  return feature;
}

/* Temporary content roots, for bytes and links that are better not committed. */
const tempDir = tempDirs('portal');

/** Writes `files` (path relative to `root` → content) and returns `root`. */
async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return root;
}

const featureMd = (key: string, title: string) => `---\ntitle: ${title}\nid: ${key}\nstatus: draft\nowner: team-a\n---\n\nThe story.\n`;

describe('portal-valid: a clean two-bundle portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await loadPortal(VALID);
  });

  it('has no error, and warns only about the open threat that lists no mitigation', () => {
    expect(portal.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'consistency/unmitigated-threat', file: 'billing/threats.yaml', line: 2, column: 1 }),
    ]);
  });

  it('lists both features by title, with their folder and area', () => {
    expect(portal.features.map((f) => ({ slug: f.slug, title: f.meta.title, dir: f.dir, area: f.area }))).toEqual([
      { slug: 'billing', title: 'Billing', dir: 'billing', area: 'general' },
      { slug: 'orders', title: 'Orders', dir: 'shop/orders', area: 'shop' },
    ]);
  });

  it('records that ORD-NFR-02 is referenced by the threat ORD-T-01', () => {
    expect(featureOf(portal, 'orders').backlinks['ORD-NFR-02']).toEqual([
      { feature: 'orders', from: 'ORD-T-01', fromKind: 'threat', href: '/features/orders/#ORD-T-01', label: "Reading another customer's order" },
    ]);
  });

  it('records that the feature billing is referenced by orders through depends_on', () => {
    expect(featureOf(portal, 'billing').backlinks['']).toEqual([
      { feature: 'orders', from: 'feature.md', fromKind: 'feature', href: '/features/orders/', label: 'Orders' },
    ]);
    expect(featureOf(portal, 'orders').dependsOn).toEqual([
      expect.objectContaining({ kind: 'feature', target: 'billing', href: '/features/billing/', label: 'Billing' }),
    ]);
  });

  it('records backlinks across bundles, from a threat mitigation and from a story wiki link', () => {
    expect(featureOf(portal, 'billing').backlinks['BIL-NFR-01']).toEqual([
      { feature: 'orders', from: 'ORD-T-02', fromKind: 'threat', href: '/features/orders/#ORD-T-02', label: 'Order flooding' },
    ]);
    expect(featureOf(portal, 'orders').backlinks['']).toEqual([
      { feature: 'billing', from: 'feature.md', fromKind: 'story', href: '/features/billing/', label: 'Billing' },
    ]);
  });

  it('scores orders 10/10 with every rubric line met', () => {
    const { score, max, rubric } = featureOf(portal, 'orders').completeness;
    expect({ score, max }).toEqual({ score: 10, max: 10 });
    expect(rubric.filter((line) => !line.met)).toEqual([]);
    expect(rubric).toHaveLength(10);
  });

  it('scores billing 5/10 and says exactly which rubric lines are missing, and why', () => {
    const { score, max, rubric } = featureOf(portal, 'billing').completeness;
    expect({ score, max }).toEqual({ score: 5, max: 10 });
    expect(rubric.filter((line) => !line.met).map(({ id, detail, points }) => ({ id, detail, points }))).toEqual([
      { id: 'api-depth', detail: 'Missing error responses or security: getInvoice.', points: 0 },
      { id: 'sequences', detail: 'Declare timeout and retries in the front matter of: charge.', points: 0 },
      { id: 'sequence-errors', detail: 'Show what happens when things fail in: charge.', points: 0 },
      { id: 'nfrs', detail: 'Give a measurable target to: BIL-NFR-02.', points: 0 },
      { id: 'threat-mitigations', detail: 'Plan a mitigation for: BIL-T-01.', points: 0 },
    ]);
    expect(rubric.filter((line) => line.met).map((line) => line.id)).toEqual(['context', 'api', 'data-model', 'edge-cases', 'threat-coverage']);
  });

  it('derives the risk of each threat from likelihood × impact', () => {
    const risks = portal.features.flatMap((f) => f.threats.map((t) => [t.id, t.likelihood, t.impact, t.risk]));
    expect(risks).toEqual([
      ['BIL-T-01', 'low', 'high', 'medium'],
      ['ORD-T-01', 'medium', 'high', 'high'],
      ['ORD-T-02', 'low', 'medium', 'low'],
    ]);
  });

  it('resolves threat targets and keeps free-text mitigations as text', () => {
    const threat = featureOf(portal, 'orders').threats.find((t) => t.id === 'ORD-T-01')!;
    expect(threat.targets.map((r) => r.href)).toEqual(['/features/orders/#getOrder', '/entities/Order/']);
    expect(threat.mitigationItems).toEqual([
      { ref: expect.objectContaining({ kind: 'nfr', target: 'ORD-NFR-02', href: '/features/orders/#ORD-NFR-02' }) },
      { text: 'Random order IDs' },
    ]);
  });

  it('carries the integration metadata of a sequence from its front matter', () => {
    const [sequence] = featureOf(portal, 'orders').sequences;
    expect(sequence?.name).toBe('place-order');
    expect(sequence?.anchor).toBe('sequence-place-order');
    expect(sequence?.meta).toEqual({
      title: 'Place an order',
      integration: 'Payment gateway',
      timeout: '3s',
      retries: { policy: 'exponential', max: 2, backoff: '200ms' },
      idempotency: 'Idempotency-Key header',
    });
    expect(sequence?.diagram).toMatchObject({ kind: 'sequence', file: 'shop/orders/sequences/place-order.mmd', frontmatterLine: 2, hasErrorPath: true });
    expect(featureOf(portal, 'billing').sequences.map((s) => ({ name: s.name, meta: s.meta, hasErrorPath: s.diagram.hasErrorPath }))).toEqual([
      { name: 'charge', meta: {}, hasErrorPath: false },
    ]);
  });

  it('renders the story with every wiki link resolved to its target', () => {
    const html = featureOf(portal, 'orders').storyHtml;
    expect([...html.matchAll(/<a href="([^"]+)"[^>]*class="sp-ref"/g)].map((m) => m[1])).toEqual([
      '/features/orders/#ORD-NFR-01',
      '/features/orders/#createOrder',
      '/features/billing/',
      '/features/orders/#sequence-place-order',
    ]);
    expect(html).not.toContain('sp-ref-broken');
    expect(html).not.toContain('[[');
    expect(html).toContain('<pre class="mermaid">stateDiagram-v2');
    expect(featureOf(portal, 'billing').storyHtml).toBe(
      '<p>Charges orders created by <a href="/features/orders/" title="Orders" class="sp-ref">orders</a> for <a href="/entities/Order/" title="Order" class="sp-ref">Order</a>.</p>',
    );
  });

  it('publishes each contract under <slug>/<public name>', () => {
    expect([...portal.documents.keys()].sort()).toEqual(['billing/openapi', 'orders/openapi']);
  });
});

describe('a check-only load (specport check)', () => {
  const CONTENT = path.join(import.meta.dirname, '../../content');
  const HOSTILE = path.join(import.meta.dirname, '../fixtures/hostile');
  const withoutOutput = (portal: Portal) => portal.features.map(({ storyHtml, storyHeadings, provenance, ...rest }) => rest);

  it.each([
    ['the sample content', CONTENT],
    ['a story with a dangling wiki link after 5,000 unclosed ones', path.join(HOSTILE, 'story-unclosed-wiki-links')],
    ['raw HTML in a story', path.join(BROKEN, 'raw-html')],
  ])('finds what a full load finds in %s, without rendering stories or reading git history', async (_, root) => {
    const full = await loadPortal(root);
    const checked = await loadPortal(root, { checkOnly: true });
    expect(checked.diagnostics).toEqual(full.diagnostics);
    expect(withoutOutput(checked)).toEqual(withoutOutput(full));
    expect(checked.permalinks).toEqual(full.permalinks);
    expect(checked.features.every((f) => f.storyHtml === '' && f.storyHeadings.length === 0 && f.provenance === undefined)).toBe(true);
    expect(checked.recentChanges).toBeUndefined();
    expect(checked.documents.size).toBe(0);
    expect(full.features.some((f) => f.storyHtml.length > 0)).toBe(true);
  });

  it('reads git history in a full load of content under version control', async () => {
    const full = await loadPortal(CONTENT);
    expect(full.features.some((f) => f.provenance !== undefined)).toBe(true);
  });
});

describe('feature.md', () => {
  describe('broken/frontmatter-yaml: a frontmatter that is not valid YAML', () => {
    it('reports yaml/syntax at the line and column inside feature.md', async () => {
      const diagnostics = await diagnosticsOf('frontmatter-yaml');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'yaml/syntax', file: 'checkout/feature.md', line: 5, column: 8 }]);
    });
  });

  describe('broken/no-frontmatter: a feature.md without frontmatter', () => {
    it('reports feature/no-frontmatter on line 1 and still publishes the bundle under its slug', async () => {
      const portal = await load('no-frontmatter');
      expectExactly(portal.diagnostics, [{ severity: 'error', rule: 'feature/no-frontmatter', file: 'checkout/feature.md', line: 1, column: 1 }]);
      expect(portal.features.map((f) => [f.slug, f.meta.title])).toEqual([['checkout', 'checkout']]);
    });
  });

  describe('broken/empty-frontmatter: frontmatter fences with nothing (or only a comment) between them', () => {
    it('reports feature/no-frontmatter for each bundle', async () => {
      const diagnostics = await diagnosticsOf('empty-frontmatter');
      expectExactly(diagnostics, [
        { severity: 'error', rule: 'feature/no-frontmatter', file: 'cart/feature.md', line: 1 },
        { severity: 'error', rule: 'feature/no-frontmatter', file: 'checkout/feature.md', line: 1 },
      ]);
    });
  });

  describe('broken/bad-status: a status outside the enum', () => {
    it('reports schema/invalid-value at the value and lists the allowed statuses', async () => {
      const diagnostics = await diagnosticsOf('bad-status');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'schema/invalid-value', file: 'checkout/feature.md', line: 4, column: 9 }]);
      expect(wording(diagnostics[0]!)).toMatchInlineSnapshot(`
        "\`status\`: not an allowed value (found "finished").
        hint: Use one of: draft, ready, in-sprint, shipped, deprecated."
      `);
    });
  });

  describe('broken/schema-fields: a missing required field and a misspelt one', () => {
    it('reports schema/missing-field for owner and warns schema/unknown-field with a "did you mean"', async () => {
      const diagnostics = await diagnosticsOf('schema-fields');
      expectExactly(diagnostics, [
        { severity: 'error', rule: 'schema/missing-field', file: 'checkout/feature.md', line: 2, column: 1 },
        { severity: 'warning', rule: 'schema/unknown-field', file: 'checkout/feature.md', line: 5 },
      ]);
      expect(diagnostics[0]!.message).toBe('Missing required field `owner`.');
      expect(diagnostics[1]!.hint).toMatch(/^Did you mean `title`\?/);
    });
  });

  describe('broken/bad-slug: a bundle folder named "Bad Name"', () => {
    it('reports feature/slug on its feature.md and suggests a slug', async () => {
      const diagnostics = await diagnosticsOf('bad-slug');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'feature/slug', file: 'Bad Name/feature.md', line: 1, column: 1 }]);
      expect(wording(diagnostics[0]!)).toMatchInlineSnapshot(`
        "The bundle folder "Bad Name" is not a valid slug; it becomes the feature's URL.
        hint: Rename the folder to "bad-name" (lowercase letters, digits and dashes)."
      `);
    });
  });

  describe('broken/raw-html: raw HTML in the story', () => {
    it('warns feature/raw-html at each HTML node, at its absolute line and column', async () => {
      const diagnostics = await diagnosticsOf('raw-html');
      expectExactly(diagnostics, [
        { severity: 'warning', rule: 'feature/raw-html', file: 'checkout/feature.md', line: 10, column: 1 },
        { severity: 'warning', rule: 'feature/raw-html', file: 'checkout/feature.md', line: 12, column: 7 },
        { severity: 'warning', rule: 'feature/raw-html', file: 'checkout/feature.md', line: 12, column: 17 },
      ]);
    });

    it('shows the HTML as text instead of rendering it', async () => {
      const html = featureOf(await load('raw-html'), 'checkout').storyHtml;
      expect(html).not.toMatch(/<div|<kbd/);
      expect(html).toContain('<code>&#x3C;div class="warning">Pay first.&#x3C;/div></code>');
    });
  });
});

describe('IDs and slugs', () => {
  describe('broken/duplicate-slug: two bundles named checkout in different areas', () => {
    it('reports ids/duplicate-slug on the second one and publishes only the first', async () => {
      const portal = await load('duplicate-slug');
      expectExactly(portal.diagnostics, [{ severity: 'error', rule: 'ids/duplicate-slug', file: 'shop/checkout/feature.md', line: 1, column: 1 }]);
      expect(portal.diagnostics[0]!.message).toContain('payments/checkout');
      expect(portal.features.map((f) => f.dir)).toEqual(['payments/checkout']);
    });
  });

  describe('broken/duplicate-key: two features with the key CHK', () => {
    it('reports ids/duplicate-key on the second feature.md, naming the first feature', async () => {
      const [d, ...rest] = await diagnosticsOf('duplicate-key');
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ severity: 'error', rule: 'ids/duplicate-key', file: 'checkout/feature.md' });
      expect(d!.message).toBe('The feature key "CHK" is also used by "cart".');
      expectHints([d!]);
    });

    it('points at the line of the `id:` field (line 5 in this feature.md)', async () => {
      const [d] = await diagnosticsOf('duplicate-key');
      expect(d?.line).toBe(5);
    });
  });

  describe('broken/duplicate-nfr: the NFR ID CHK-NFR-01 in two bundles', () => {
    it('reports ids/duplicate at the second item, naming where the first one is', async () => {
      const diagnostics = await diagnosticsOf('duplicate-nfr');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'ids/duplicate', file: 'payments/nfr.yaml', line: 8 }]);
      expect(wording(diagnostics[0]!)).toMatchInlineSnapshot(`
        "The ID "CHK-NFR-01" is already used by nfr in checkout/nfr.yaml:2.
        hint: IDs are unique across the whole portal: number this item differently."
      `);
    });
  });

  describe('broken/case-collision: CHK-NFR-01 and Chk-Nfr-01 in one file', () => {
    // Two IDs that differ only in case cannot both pass the schema, which accepts uppercase IDs
    // only; so the case-collision check in index-items.ts is never reached through the pipeline.
    it('rejects the mixed-case ID in the schema, so no two valid IDs can differ only in case', async () => {
      const portal = await load('case-collision');
      expectExactly(portal.diagnostics, [{ severity: 'error', rule: 'schema/invalid-value', file: 'checkout/nfr.yaml', line: 8, column: 9 }]);
      expect(featureOf(portal, 'checkout').nfrs.map((n) => n.id)).toEqual(['CHK-NFR-01']);
    });
  });

  describe('broken/id-prefix: an NFR of CHK whose ID starts with PAY', () => {
    it('warns ids/prefix at the item', async () => {
      const diagnostics = await diagnosticsOf('id-prefix');
      expectExactly(diagnostics, [{ severity: 'warning', rule: 'ids/prefix', file: 'checkout/nfr.yaml', line: 8 }]);
      expect(diagnostics[0]!.hint).toContain('"CHK-"');
    });
  });
});

describe('references', () => {
  describe('broken/dangling-refs: a dangling reference of every kind, in YAML and as wiki links', () => {
    /** kind, reference as written, line and column in checkout/feature.md. */
    const WIKI: Array<[string, string, number, number]> = [
      ['feature', 'feature:cart', 10, 5],
      ['nfr', 'nfr:CHK-NFR-1', 11, 14],
      ['threat', 'threat:CHK-T-09', 11, 44],
      ['edge', 'edge:CHK-EC-09', 11, 77],
      ['op', 'op:placeOrder', 13, 9],
      ['entity', 'entity:Basket', 14, 10],
      ['component', 'component:psp', 18, 13],
      ['sequence', 'sequence:checkout/refund', 20, 11],
    ];
    /** kind, reference as written, file, and the line the reference is written on. */
    const YAML: Array<[string, string, string, number]> = [
      ['nfr', 'nfr:CHK-NFR-02', 'checkout/threats.yaml', 12],
      ['threat', 'threat:CHK-T-09', 'checkout/edge-cases.yaml', 6],
      ['edge', 'edge:CHK-EC-09', 'checkout/nfr.yaml', 7],
      ['op', 'op:createOrdr', 'checkout/nfr.yaml', 8],
      ['entity', 'entity:Ordr', 'checkout/threats.yaml', 6],
      ['component', 'component:gatway', 'checkout/threats.yaml', 7],
      ['sequence', 'sequence:checkout/pay', 'checkout/edge-cases.yaml', 7],
    ];

    it('reports every dangling reference, and nothing else, as a refs/unresolved error with a hint', async () => {
      const diagnostics = await diagnosticsOf('dangling-refs');
      // 8 wiki links, 7 YAML references, depends_on, and one wiki link of the wrong kind.
      expect(diagnostics).toHaveLength(17);
      expect(new Set(diagnostics.map((d) => `${d.severity} ${d.rule}`))).toEqual(new Set(['error refs/unresolved']));
      expectHints(diagnostics);
    });

    it.each(WIKI)('reports a dangling %s: wiki link (%s) at its line and column in feature.md', async (_kind, raw, line, column) => {
      const d = find(await diagnosticsOf('dangling-refs'), 'checkout/feature.md', `${raw} points at no `);
      expect(fields(d)).toEqual({ severity: 'error', rule: 'refs/unresolved', file: 'checkout/feature.md', line, column });
    });

    it.each(YAML)('reports a dangling %s: reference written in YAML (%s in %s)', async (_kind, raw, file) => {
      const d = find(await diagnosticsOf('dangling-refs'), file, `${raw} points at no `);
      expect(d).toMatchObject({ severity: 'error', rule: 'refs/unresolved', file });
      expectHints([d]);
    });

    it('reports a dangling feature: reference in depends_on', async () => {
      const d = find(await diagnosticsOf('dangling-refs'), 'checkout/feature.md', 'feature:carts points at no ');
      expect(d).toMatchObject({ severity: 'error', rule: 'refs/unresolved', file: 'checkout/feature.md' });
      expectHints([d]);
    });

    it('points a dangling depends_on entry at the line it is written on', async () => {
      const d = find(await diagnosticsOf('dangling-refs'), 'checkout/feature.md', 'feature:carts points at no ');
      expect(d.line).toBe(7);
    });

    it('points each dangling YAML reference at the line it is written on', async () => {
      const diagnostics = await diagnosticsOf('dangling-refs');
      const lines = YAML.map(([, raw, file]) => [raw, find(diagnostics, file, `${raw} points at no `).line]);
      expect(lines).toEqual(YAML.map(([, raw, , line]) => [raw, line]));
    });

    it('suggests the closest existing ID, and the right kind when the ID exists under another kind', async () => {
      const diagnostics = await diagnosticsOf('dangling-refs');
      expect(wording(find(diagnostics, 'checkout/feature.md', 'nfr:CHK-NFR-1 '))).toMatchInlineSnapshot(`
        "nfr:CHK-NFR-1 points at no NFR.
        hint: Did you mean nfr:CHK-NFR-01?"
      `);
      const wrongKind = find(diagnostics, 'checkout/feature.md', 'nfr:CHK-EC-01 ');
      expect(fields(wrongKind)).toEqual({ severity: 'error', rule: 'refs/unresolved', file: 'checkout/feature.md', line: 22, column: 13 });
      expect(wrongKind.hint).toMatch(/CHK-EC-01 is an edge case: write edge:CHK-EC-01\.$/);
      expect(wording(find(diagnostics, 'checkout/feature.md', 'op:placeOrder '))).toMatchInlineSnapshot(`
        "op:placeOrder points at no operation (operationId).
        hint: Check the spelling; the operation (operationId) must exist in some bundle of the portal."
      `);
    });

    it('renders dangling wiki links as broken links and leaves dangling references without a target', async () => {
      const feature = featureOf(await load('dangling-refs'), 'checkout');
      expect(feature.storyHtml.match(/class="sp-ref-broken"/g)).toHaveLength(9);
      expect(feature.storyHtml).not.toContain('class="sp-ref"');
      expect(feature.dependsOn.map((r) => [r.raw, r.href])).toEqual([['feature:carts', undefined]]);
      expect(feature.nfrs[0]?.appliesTo.map((r) => r.href)).toEqual([undefined, undefined]);
    });
  });

  describe('broken/wiki-link-columns: wiki links on continuation lines and after character references', () => {
    it('reports each wiki link at the column where it is written', async () => {
      const diagnostics = await diagnosticsOf('wiki-link-columns');
      expect(diagnostics.map((d) => `${d.rule} ${d.file}:${d.line}:${d.column}`)).toEqual([
        'refs/unresolved checkout/feature.md:9:7',
        'refs/unresolved checkout/feature.md:12:6',
        'refs/unresolved checkout/feature.md:14:17',
      ]);
    });
  });

  describe('broken/ambiguous-op: createOrder defined by cart and checkout, referenced from orders', () => {
    it('reports the unqualified wiki link [[op:createOrder]] as refs/ambiguous at its line and column', async () => {
      const diagnostics = await diagnosticsOf('ambiguous-op');
      const d = find(diagnostics, 'orders/feature.md', 'op:createOrder matches');
      expect(fields(d)).toEqual({ severity: 'error', rule: 'refs/ambiguous', file: 'orders/feature.md', line: 8, column: 23 });
      expect(wording(d)).toMatchInlineSnapshot(`
        "op:createOrder matches operations in cart, checkout.
        hint: Qualify it with the feature: op:cart/createOrder or op:checkout/createOrder."
      `);
    });

    it('reports the unqualified op:createOrder in nfr.yaml as refs/ambiguous too, and nothing else', async () => {
      const diagnostics = await diagnosticsOf('ambiguous-op');
      expect(diagnostics.map((d) => `${d.severity} ${d.rule} ${d.file}`)).toEqual([
        'error refs/ambiguous orders/feature.md',
        'error refs/ambiguous orders/nfr.yaml',
      ]);
      expectHints(diagnostics);
    });

    it('points the ambiguous reference in nfr.yaml at the line it is written on', async () => {
      const d = find(await diagnosticsOf('ambiguous-op'), 'orders/nfr.yaml', 'op:createOrder matches');
      expect(d.line).toBe(7);
    });

    it('resolves the qualified op:checkout/createOrder and records the backlink on checkout', async () => {
      const portal = await load('ambiguous-op');
      const nfr = featureOf(portal, 'orders').nfrs[0]!;
      expect(nfr.appliesTo.map((r) => [r.raw, r.href])).toEqual([
        ['op:createOrder', undefined],
        ['op:checkout/createOrder', '/features/checkout/#createOrder'],
      ]);
      expect(featureOf(portal, 'checkout').backlinks['createOrder']?.map((b) => [b.feature, b.from, b.fromKind])).toEqual([
        ['orders', 'ORD-NFR-01', 'nfr'],
        ['orders', 'feature.md', 'story'],
      ]);
      expect(featureOf(portal, 'orders').storyHtml).toContain('<a href="/features/checkout/#createOrder" title="POST /orders" class="sp-ref">checkout/createOrder</a>');
    });

    it('resolves an unqualified op: inside a feature that defines it to that feature', async () => {
      const portal = await load('ambiguous-op');
      expect(featureOf(portal, 'cart').backlinks['createOrder']?.map((b) => [b.feature, b.fromKind])).toEqual([['cart', 'story']]);
    });
  });

  describe('broken/malformed-ref: [[foo:bar]] in the story and todo:later as a mitigation', () => {
    // `[[nfr]]` (no colon) in the same story does not match the wiki-link pattern at all, so it is
    // neither reported nor linked: refs/malformed is reachable only for `[[word:target]]` with an
    // unknown kind, and for mitigations that look like `word:target`.
    it('reports the wiki link [[foo:bar]] as refs/malformed at its line and column', async () => {
      const d = find(await diagnosticsOf('malformed-ref'), 'checkout/feature.md', '"foo:bar"');
      expect(fields(d)).toEqual({ severity: 'error', rule: 'refs/malformed', file: 'checkout/feature.md', line: 8, column: 10 });
      expect(wording(d)).toMatchInlineSnapshot(`
        ""foo:bar" is not a typed reference.
        hint: Write kind:target, e.g. nfr:CHK-NFR-01, op:createOrder, entity:Order, feature:checkout."
      `);
    });

    it('reports the mitigation todo:later as refs/malformed in threats.yaml', async () => {
      const diagnostics = await diagnosticsOf('malformed-ref');
      expect(diagnostics.map((d) => `${d.severity} ${d.rule} ${d.file}`)).toEqual([
        'error refs/malformed checkout/feature.md',
        'error refs/malformed checkout/threats.yaml',
      ]);
      expectHints(diagnostics);
    });

    it('points the malformed mitigation at the line it is written on', async () => {
      const d = find(await diagnosticsOf('malformed-ref'), 'checkout/threats.yaml', '"todo:later"');
      expect(d.line).toBe(10);
    });
  });
});

describe('files of a bundle', () => {
  describe('broken/unknown-files: notes.txt and nfrs.yml in a bundle', () => {
    it('warns bundle/unknown-file for both, and suggests nfr.yaml for nfrs.yml', async () => {
      const portal = await load('unknown-files');
      expectExactly(portal.diagnostics, [
        { severity: 'warning', rule: 'bundle/unknown-file', file: 'checkout/nfrs.yml', line: 1, column: 1 },
        { severity: 'warning', rule: 'bundle/unknown-file', file: 'checkout/notes.txt', line: 1, column: 1 },
      ]);
      expect(wording(portal.diagnostics[0]!)).toMatchInlineSnapshot(`
        ""nfrs.yml" is not part of the bundle format, so it is not published.
        hint: Did you mean "nfr.yaml"? Rename the file."
      `);
      expect(portal.diagnostics[1]!.hint).not.toContain('Did you mean');
      expect(featureOf(portal, 'checkout').files).toEqual(['checkout/feature.md', 'checkout/nfrs.yml', 'checkout/notes.txt']);
    });
  });

  describe('broken/outside-bundle: files in the content root and in an area folder', () => {
    it('warns scan/outside-bundle for each, relative to the content root', async () => {
      expectExactly(await diagnosticsOf('outside-bundle'), [
        { severity: 'warning', rule: 'scan/outside-bundle', file: 'README.md', line: 1, column: 1 },
        { severity: 'warning', rule: 'scan/outside-bundle', file: 'shop/notes.md', line: 1, column: 1 },
      ]);
    });
  });

  describe('broken/no-bundle: a content root whose only file is in no bundle', () => {
    it('reports scan/no-content for the root and scan/outside-bundle for the file', async () => {
      expectExactly(await diagnosticsOf('no-bundle'), [
        { severity: 'error', rule: 'scan/no-content', file: '.', line: 1, column: 1 },
        { severity: 'warning', rule: 'scan/outside-bundle', file: 'shop/notes.md', line: 1, column: 1 },
      ]);
    });
  });

  describe('an empty content root (temporary folder)', () => {
    it('reports scan/no-content', async () => {
      const portal = await loadPortal(await tempDir());
      expectExactly(portal.diagnostics, [{ severity: 'error', rule: 'scan/no-content', file: '.', line: 1, column: 1 }]);
      expect(portal.features).toEqual([]);
    });

    it('reports scan/no-content for a content root that does not exist', async () => {
      const root = path.join(await tempDir(), 'missing');
      const portal = await loadPortal(root);
      expectExactly(portal.diagnostics, [{ severity: 'error', rule: 'scan/no-content', file: '.', line: 1, column: 1 }]);
      expect(portal.diagnostics[0]!.message).toContain(root);
    });
  });

  describe('bytes that are not UTF-8 text (temporary folder)', () => {
    let portal: Portal;
    beforeAll(async () => {
      const root = await writeTree(await tempDir(), {
        'checkout/feature.md': featureMd('CHK', 'Checkout'),
        // Latin-1 "é" on line 4.
        'checkout/nfr.yaml': Buffer.concat([Buffer.from('nfrs:\n  - id: CHK-NFR-01\n    category: latency\n    statement: Caf'), Buffer.from([0xe9]), Buffer.from(' is fast.\n')]),
        'checkout/threats.yaml': Buffer.from([0x74, 0x68, 0x00, 0x01, 0x02, 0xff, 0x0a]),
      });
      portal = await loadPortal(root);
    });

    it('reports file/encoding for a non-UTF-8 nfr.yaml at the line of the first invalid byte, and for a binary threats.yaml', () => {
      expectExactly(portal.diagnostics, [
        { severity: 'error', rule: 'file/encoding', file: 'checkout/nfr.yaml', line: 4, column: 1 },
        { severity: 'error', rule: 'file/encoding', file: 'checkout/threats.yaml', line: 1, column: 1 },
      ]);
      expect(portal.diagnostics.map((d) => d.message)).toEqual(['The file is not valid UTF-8.', 'The file is binary, but a text file is expected here.']);
    });
  });

  describe('a contract that is not UTF-8 text (temporary folder)', () => {
    it('reports file/encoding for a binary openapi.yaml and for a Latin-1 one', async () => {
      const root = await writeTree(await tempDir(), {
        'binary/feature.md': featureMd('BIN', 'Binary'),
        'binary/openapi.yaml': Buffer.from('openapi: 3.1.0\u0000\u0001\u0002\n'),
        'latin/feature.md': featureMd('LAT', 'Latin'),
        'latin/openapi.yaml': Buffer.concat([Buffer.from('openapi: 3.1.0\ninfo: { title: Caf'), Buffer.from([0xe9]), Buffer.from(' API, version: 1.0.0 }\npaths: {}\n')]),
      });
      const portal = await loadPortal(root);
      expect(portal.diagnostics.map((d) => `${d.rule} ${d.file}:${d.line}`)).toEqual([
        'file/encoding binary/openapi.yaml:1',
        'file/encoding latin/openapi.yaml:2',
      ]);
    });
  });

  describe('files too large or unreadable (temporary folder)', () => {
    it('reports file/too-large for an edge-cases.yaml above 2 MB', async () => {
      const root = await writeTree(await tempDir(), {
        'checkout/feature.md': featureMd('CHK', 'Checkout'),
        'checkout/edge-cases.yaml': `edge_cases: []\n${'#'.repeat(2 * 1024 * 1024)}\n`,
      });
      expectExactly((await loadPortal(root)).diagnostics, [{ severity: 'error', rule: 'file/too-large', file: 'checkout/edge-cases.yaml', line: 1, column: 1 }]);
    });

    it('reports file/unreadable for a feature.md that is a link to a folder', async () => {
      // Permissions cannot make a file unreadable when tests run as root; a folder can never be read as a file.
      const root = await tempDir();
      await mkdir(path.join(root, 'shared'));
      await mkdir(path.join(root, 'checkout'));
      await symlink('../shared', path.join(root, 'checkout/feature.md'));
      expectExactly((await loadPortal(root)).diagnostics, [{ severity: 'error', rule: 'file/unreadable', file: 'checkout/feature.md', line: 1, column: 1 }]);
    });
  });

  describe('symbolic links (temporary folder)', () => {
    it('reports scan/link-outside for links to a file and a folder outside the content root, and does not follow them', async () => {
      const outside = await writeTree(await tempDir(), { 'secret.yaml': 'nfrs: []\n', 'dir/nfr.yaml': 'nfrs: []\n' });
      const root = await writeTree(await tempDir(), { 'checkout/feature.md': featureMd('CHK', 'Checkout') });
      await symlink(path.join(outside, 'secret.yaml'), path.join(root, 'checkout/secret.yaml'));
      await symlink(path.join(outside, 'dir'), path.join(root, 'checkout/linked'));
      const portal = await loadPortal(root);
      expectExactly(portal.diagnostics, [
        { severity: 'error', rule: 'scan/link-outside', file: 'checkout/linked', line: 1, column: 1 },
        { severity: 'error', rule: 'scan/link-outside', file: 'checkout/secret.yaml', line: 1, column: 1 },
      ]);
      expect(featureOf(portal, 'checkout').files).toEqual(['checkout/feature.md']);
    });

    it('walks a link that loops back to a parent folder only once, and reports scan/link-loop', async () => {
      const root = await writeTree(await tempDir(), { 'checkout/feature.md': featureMd('CHK', 'Checkout') });
      await symlink('..', path.join(root, 'checkout/loop'));
      const portal = await loadPortal(root);
      expectExactly(portal.diagnostics, [{ severity: 'warning', rule: 'scan/link-loop', file: 'checkout/loop', line: 1, column: 1 }]);
      expect(portal.features.map((f) => f.dir)).toEqual(['checkout']);
    });

    it('reports a link that points at nothing', async () => {
      const root = await writeTree(await tempDir(), { 'checkout/feature.md': featureMd('CHK', 'Checkout') });
      await symlink('missing.yaml', path.join(root, 'checkout/nfr.yaml'));
      const [diagnostic] = (await loadPortal(root)).diagnostics;
      expect(diagnostic).toMatchObject({ rule: 'scan/link-outside', file: 'checkout/nfr.yaml' });
      expect(diagnostic!.message).toContain('points at nothing');
    });
  });
});

describe('YAML item files', () => {
  describe('broken/alias-bomb: a billion-laughs threats.yaml', () => {
    it('reports yaml/alias-bomb on line 1 instead of expanding it', async () => {
      const portal = await load('alias-bomb');
      expectExactly(portal.diagnostics, [{ severity: 'error', rule: 'yaml/alias-bomb', file: 'checkout/threats.yaml', line: 1, column: 1 }]);
      expect(featureOf(portal, 'checkout').threats).toEqual([]);
    });
  });

  describe('broken/duplicate-yaml-key: an NFR with priority twice', () => {
    it('reports yaml/duplicate-key at the second key', async () => {
      const diagnostics = await diagnosticsOf('duplicate-yaml-key');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'yaml/duplicate-key', file: 'checkout/nfr.yaml', line: 8, column: 5 }]);
      expect(diagnostics[0]!.message).toBe('The key "priority" appears more than once in this mapping.');
    });
  });

  describe('broken/tabs: an edge-cases.yaml indented with tabs', () => {
    it('reports yaml/syntax at each tab-indented line, with a hint about spaces', async () => {
      const diagnostics = await diagnosticsOf('tabs');
      expectExactly(diagnostics, [3, 4, 5].map((line) => ({ severity: 'error' as const, rule: 'yaml/syntax', file: 'checkout/edge-cases.yaml', line, column: 1 })));
      for (const d of diagnostics) expect(d.hint).toBe('Indent with spaces; YAML does not allow tabs for indentation.');
    });
  });

  describe('broken/empty-edge-cases: an empty edge-cases.yaml', () => {
    it('reports yaml/empty on line 1', async () => {
      expectExactly(await diagnosticsOf('empty-edge-cases'), [{ severity: 'error', rule: 'yaml/empty', file: 'checkout/edge-cases.yaml', line: 1, column: 1 }]);
    });
  });
});

describe('Mermaid diagrams', () => {
  describe('broken/mermaid-sequence: a message without text, below front matter', () => {
    it('reports mermaid/syntax at the absolute line of the .mmd file', async () => {
      const diagnostics = await diagnosticsOf('mermaid-sequence');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'mermaid/syntax', file: 'checkout/sequences/pay.mmd', line: 10, column: 17 }]);
      expect(wording(diagnostics[0]!)).toMatchInlineSnapshot(`
        "Mermaid cannot parse this sequence diagram: Expecting 'TXT', got 'NEWLINE'.
        hint: A message needs a colon and text: \`A->>B: text\`."
      `);
    });
  });

  describe('broken/mermaid-kind: a data-model.mmd that is a flowchart', () => {
    it('reports mermaid/kind at the diagram type line, below a comment', async () => {
      const diagnostics = await diagnosticsOf('mermaid-kind');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'mermaid/kind', file: 'checkout/data-model.mmd', line: 2, column: 1 }]);
      expect(diagnostics[0]!.message).toBe('A data model must be an `erDiagram`, but this one is a `flowchart`.');
    });
  });

  describe('broken/mermaid-inline: a broken ```mermaid block in feature.md', () => {
    it('reports mermaid/syntax at the absolute line in feature.md', async () => {
      expectExactly(await diagnosticsOf('mermaid-inline'), [{ severity: 'error', rule: 'mermaid/syntax', file: 'checkout/feature.md', line: 13, column: 17 }]);
    });
  });

  describe('broken/sequence-frontmatter: timeout: soon in a sequence', () => {
    it('reports schema/invalid-value at the value in the .mmd front matter', async () => {
      const diagnostics = await diagnosticsOf('sequence-frontmatter');
      expectExactly(diagnostics, [{ severity: 'error', rule: 'schema/invalid-value', file: 'checkout/sequences/pay.mmd', line: 4, column: 10 }]);
      expect(wording(diagnostics[0]!)).toMatchInlineSnapshot(`
        "\`timeout\`: Write a duration such as 800ms, 3s, 5min, 1h or 7d (found "soon").
        hint: Write a duration such as 800ms, 3s, 5min, 1h or 7d. How long the caller waits before giving up. For example: \`"3s"\`."
      `);
    });
  });

  describe('broken/mermaid-files: an empty context.mmd and a sequence whose front matter is never closed', () => {
    it('reports mermaid/empty and mermaid/frontmatter on line 1', async () => {
      expectExactly(await diagnosticsOf('mermaid-files'), [
        { severity: 'error', rule: 'mermaid/empty', file: 'checkout/context.mmd', line: 1, column: 1 },
        { severity: 'error', rule: 'mermaid/frontmatter', file: 'checkout/sequences/pay.mmd', line: 1, column: 1 },
      ]);
    });
  });
});

describe('OpenAPI contracts', () => {
  describe('broken/openapi-contract: a $ref to ../secret.yaml and an operation without responses', () => {
    it('reports openapi/ref-outside at the $ref and openapi/invalid at the operation', async () => {
      const diagnostics = await diagnosticsOf('openapi-contract');
      expectExactly(diagnostics, [
        { severity: 'error', rule: 'openapi/ref-outside', file: 'checkout/openapi.yaml', line: 11, column: 21 },
        { severity: 'error', rule: 'openapi/invalid', file: 'checkout/openapi.yaml', line: 15, column: 5 },
      ]);
      expect(wording(diagnostics[0]!)).toMatchInlineSnapshot(`
        "$ref "../secret.yaml" leads outside the bundle folder.
        hint: Copy what you need into a file inside the bundle and reference it with a relative path, e.g. \`$ref: ./schemas/order.yaml#/Order\`."
      `);
      expect(diagnostics[1]!.message).toBe('paths["/payments/{id}"].get is missing the required field "responses".');
    });
  });

  describe('broken/openapi-problems: broken JSON, an unsupported version, duplicate and missing operationIds, an unresolved $ref', () => {
    it('reports each problem at its line', async () => {
      expectExactly(await diagnosticsOf('openapi-problems'), [
        { severity: 'error', rule: 'openapi/syntax', file: 'broken-json/openapi.json', line: 5, column: 1 },
        { severity: 'error', rule: 'openapi/version', file: 'old-version/openapi.yaml', line: 1, column: 10 },
        { severity: 'error', rule: 'ids/duplicate-operation', file: 'operation-ids/openapi.yaml', line: 5 },
        { severity: 'error', rule: 'ids/duplicate-operation', file: 'operation-ids/openapi.yaml', line: 9 },
        { severity: 'error', rule: 'openapi/duplicate-operation-id', file: 'operation-ids/openapi.yaml', line: 10, column: 20 },
        { severity: 'warning', rule: 'openapi/missing-operation-id', file: 'operation-ids/openapi.yaml', line: 14, column: 5 },
        { severity: 'error', rule: 'openapi/ref-unresolved', file: 'operation-ids/openapi.yaml', line: 21, column: 23 },
      ]);
    });

    it('names the other contract of the same feature that defines the operationId', async () => {
      const diagnostics = await diagnosticsOf('openapi-problems');
      expect(diagnostics.find((d) => d.rule === 'ids/duplicate-operation')?.message).toBe('The operationId "listOrders" is also defined in operation-ids/api/admin.yaml.');
    });
  });
});
