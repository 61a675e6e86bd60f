import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { c4ToFlowchart } from '../../src/core/c4-flowchart.ts';
import { drawDiagram, drawingKey, drawingOf, holdsOnlyDrawing, type DiagramSvg } from '../../src/core/diagram-svg.ts';
import { startDrawings } from '../../src/core/drawings.ts';
import { closeMermaid, parseDiagram } from '../../src/core/mermaid.ts';
import { loadPortal } from '../../src/core/portal.ts';

afterAll(closeMermaid);

const CONTENT = new URL('../../content/', import.meta.url);
const withoutFrontMatter = (source: string) => source.replace(/^---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*\r?\n/, '');

/** Parses `source` with Mermaid (as the check does), then draws it as the page would. */
async function draw(source: string, prefix = 'd'): Promise<DiagramSvg | string> {
  const { diagram } = await parseDiagram(source, 'checkout/diagram.mmd');
  if (!diagram) throw new Error(`Mermaid rejected the test diagram:\n${source}`);
  return drawDiagram(withoutFrontMatter(source), diagram, prefix);
}
const drawn = (result: DiagramSvg | string): DiagramSvg => {
  if (typeof result === 'string') throw new Error(`drawn in the browser instead: ${result}`);
  return result;
};
/** Every message label the SVG shows, in order. */
const messages = (svg: string) => [...svg.matchAll(/<g class="message"[^>]*data-label="([^"]*)"/g)].map((m) => m[1]);

function bundleDiagrams(): string[] {
  const files: string[] = [];
  for (const area of readdirSync(CONTENT)) {
    for (const feature of readdirSync(new URL(`${area}/`, CONTENT))) {
      const dir = path.join(CONTENT.pathname, area, feature);
      files.push(path.join(dir, 'context.mmd'), path.join(dir, 'data-model.mmd'));
      for (const sequence of readdirSync(path.join(dir, 'sequences'))) files.push(path.join(dir, 'sequences', sequence));
    }
  }
  return files;
}

describe('diagrams drawn at build time', () => {
  it('draws every diagram file of the sample content, so its feature pages need no Mermaid for them', async () => {
    const files = bundleDiagrams();
    expect(files.length).toBeGreaterThanOrEqual(20);
    const fallbacks: string[] = [];
    for (const file of files) {
      const result = await draw(readFileSync(file, 'utf8'));
      if (typeof result === 'string') fallbacks.push(`${file}: ${result}`);
    }
    expect(fallbacks).toEqual([]);
  });

  it('draws a sequence whose participant IDs start like block keywords (partner, endpoint, alternative)', async () => {
    const { svg } = drawn(
      await draw(`sequenceDiagram
  participant partner as Partner system
  participant endpoint
  alternative->>endpoint: ask
  alt partner fails
    partner-->>endpoint: 503
  else ok
    partner-->>endpoint: 200
  end
  endpoint-)alternative: answer`),
    );
    expect(messages(svg)).toEqual(['ask', '503', '200', 'answer']);
    for (const label of ['Partner system', 'endpoint', 'alternative']) expect(svg).toContain(`>${label}<`);
  });

  it('numbers messages under autonumber and shows critical/option and title as Mermaid does', async () => {
    const result = drawn(
      await draw(`sequenceDiagram
  title Place the order
  autonumber
  A->>B: reserve
  critical Consume holds
    B->>C: consume
  option No stock left
    C-->>B: 409
  end`),
    );
    expect(result.title).toBe('Place the order');
    expect(messages(result.svg)).toEqual(['1. reserve', '2. consume', '3. 409']);
    expect(result.svg).toContain('No stock left');
    expect(result.svg).not.toMatch(/opt \[ion/);
  });

  it('draws a many-to-one relationship written }o--|| on the left', async () => {
    const { svg } = drawn(await draw('erDiagram\n  Invoice }o--|| Order : bills\n  Invoice {\n    string id PK\n  }'));
    expect(svg).toMatch(/class="er-relationship" data-entity1="Invoice" data-entity2="Order" data-cardinality1="zero-many" data-cardinality2="one"/);
  });

  it('draws a state diagram with every state and transition, a self-transition included', async () => {
    const { svg } = drawn(await draw('stateDiagram-v2\n  [*] --> pending: create\n  pending --> pending: card refused\n  pending --> placed: paid\n  placed --> [*]'));
    for (const id of ['pending', 'placed']) expect(svg).toContain(`data-id="${id}"`);
    const labels = [...svg.matchAll(/<polyline class="edge"[^>]*?(?:data-label="([^"]*)")?[^>]*>/g)];
    expect(labels).toHaveLength(4);
    for (const label of ['create', 'card refused', 'paid']) expect(svg).toContain(`data-label="${label}"`);
  });

  it('draws a C4 context as a flowchart with every element and relationship', async () => {
    const source = readFileSync(new URL('../fixtures/mermaid/context-c4.mmd', import.meta.url), 'utf8');
    const result = drawn(await draw(source));
    expect(result.title).toBe('Checkout context');
    for (const id of ['shopper', 'shop', 'stripe', 'erp']) expect(result.svg).toContain(`data-id="${id}"`);
    expect([...result.svg.matchAll(/<polyline class="edge"/g)]).toHaveLength(3);
  });

  it.each([
    ['a block it does not draw', 'sequenceDiagram\n  A->>B: hi\n  rect rgb(200, 220, 255)\n    B-->>A: ok\n  end', 'sequence statement'],
    ['activation statements', 'sequenceDiagram\n  A->>B: hi\n  activate B\n  B-->>A: ok\n  deactivate B', 'sequence statement'],
    ['autonumber with a start', 'sequenceDiagram\n  autonumber 10 10\n  A->>B: hi', 'sequence statement'],
    ['Mermaid entity codes', 'sequenceDiagram\n  A->>B: #lt;b#gt; tag', 'a message'],
    ['an init directive', "%%{init: {'theme': 'forest'}}%%\nsequenceDiagram\n  A->>B: hi", 'init'],
    ['a diagram kind it does not draw', 'pie title Pets\n  "Dogs" : 386\n  "Cats" : 85', 'a pie diagram'],
    ['a composite state', 'stateDiagram-v2\n  [*] --> Active\n  state Active {\n    [*] --> Idle\n  }', 'state statement'],
    ['a note on a state', 'stateDiagram-v2\n  [*] --> Open\n  note right of Open: new orders', 'state statement'],
    ['cardinalities written in words', 'erDiagram\n  Order one or more to zero or more Line : has', 'the drawing lacks'],
    ['a flowchart click', 'flowchart LR\n  A --> B\n  click A "https://example.com"', 'flowchart statement'],
    ['a node label with an entity code', 'flowchart LR\n  A["say #quot;hi#quot;"] --> B', 'flowchart statement'],
    ['a C4 deployment node', 'C4Deployment\n  Deployment_Node(dc, "Data centre") {\n    Container(api, "API", "Go")\n  }', 'C4 statement'],
  ])('leaves %s to Mermaid in the browser', async (_, source, why) => {
    const result = await draw(source);
    expect(typeof result).toBe('string');
    expect(result).toContain(why);
  });
});

describe('what a drawn diagram may hold', () => {
  it('escapes spec text and keeps only drawing', async () => {
    const { svg } = drawn(await draw('sequenceDiagram\n  participant A as </text><script>alert(2)</script>\n  A->>B: <img src=x onerror=alert(1)>'));
    expect(svg).not.toMatch(/<(img|script)\b/i);
    expect(svg).not.toMatch(/<[^>]*\son\w+="/i);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it.each([
    ['an element it does not know', '<svg><image href="https://tracker.example/p.png"/></svg>', false],
    ['a paint from another page', '<svg><rect fill="url(https://tracker.example/p.png)"/></svg>', false],
    ['an event handler', '<svg><rect onclick="alert(1)"/></svg>', false],
    ['a link', '<svg><g xlink:href="javascript:alert(1)"></g></svg>', false],
    ['markup the pattern cannot read', '<svg><rect fill=url(x) /></svg>', false],
    ['a marker of its own', '<svg><defs><marker id="a"></marker></defs><line marker-end="url(#a)"/></svg>', true],
  ])('treats an SVG with %s as %s drawing', (_, svg, ok) => {
    expect(holdsOnlyDrawing(svg)).toBe(ok);
  });

  it('requests no web font and keeps its IDs and styles to itself', async () => {
    const { svg } = drawn(await draw('sequenceDiagram\n  A->>B: hi', 'seq-7'));
    expect(svg).not.toMatch(/@import|fonts\.googleapis|url\(\s*["']?https?:/);
    const ids = [...svg.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^seq-7-/);
    for (const ref of svg.matchAll(/url\(#([^)]*)\)/g)) expect(ids).toContain(ref[1]);
    const css = /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? '';
    for (const rule of css.matchAll(/([^{}]+)\{/g)) expect(rule[1]!.trim()).toMatch(/^\.sp-diagram-svg /);
  });
});

describe("a build's drawings", () => {
  it('are made on the parse worker exactly as on this thread, one per bundle diagram and story block', async () => {
    const portal = await loadPortal(CONTENT.pathname);
    const drawings = startDrawings(portal);
    const diagrams = portal.features.flatMap((f) => [f.context, f.dataModel, ...f.sequences.map((s) => s.diagram), ...f.storyDiagrams]).filter((d) => d !== undefined && d !== null);
    expect(portal.features.flatMap((f) => f.storyDiagrams).length).toBeGreaterThan(0);
    expect(drawings.size).toBe(diagrams.length);
    for (const diagram of diagrams) {
      const { body, idPrefix } = drawingOf(diagram);
      const onWorker = await drawings.get(drawingKey(body, idPrefix));
      expect(typeof onWorker, diagram.file).toBe('object');
      expect(onWorker, diagram.file).toEqual(drawDiagram(body, diagram, idPrefix));
    }
  });
});

describe('c4ToFlowchart', () => {
  it('keeps each element, boundary and relationship with its technology', () => {
    const result = c4ToFlowchart(`C4Container
  title Orders
  Person(shopper, "Shopper", "Buys things")
  System_Boundary(shop, "Shop") {
    Container(api, "Order API", "Go", "Takes orders")
    ContainerDb(db, "Orders", "PostgreSQL", "Order rows")
  }
  System_Ext(psp, "PSP", "Card payments", $tags="v1")
  UpdateRelStyle(api, psp, $textColor="red")
  Rel(shopper, api, "Places orders", "HTTPS")
  Rel_Back(db, api, "Writes")
  BiRel(api, psp, "Charges")`);
    expect(result?.title).toBe('Orders');
    expect(result?.text.split('\n')).toEqual([
      'flowchart TB',
      '  shopper(["<b>Shopper</b><br>Buys things"])',
      '  subgraph shop ["Shop"]',
      '    api["<b>Order API</b><br>[Go]<br>Takes orders"]',
      '    db[("<b>Orders</b><br>[PostgreSQL]<br>Order rows")]',
      '  end',
      '  psp["<b>PSP</b><br>Card payments"]:::external',
      '  shopper -->|"Places orders<br>[HTTPS]"| api',
      '  api -->|"Writes"| db',
      '  api <-->|"Charges"| psp',
      '  classDef external fill:var(--sp-diagram-external)',
    ]);
  });

  it.each([
    ['an unknown statement', 'C4Context\n  RelIndex(1, a, b, "x")'],
    ['a quote inside a text', 'C4Context\n  Person(a, "The \\"boss\\"")'],
    ['an unclosed boundary', 'C4Context\n  Boundary(b, "B") {\n  Person(a, "A")'],
    ['another C4 kind', 'C4Dynamic\n  Person(a, "A")'],
  ])('gives up on %s', (_, source) => {
    expect(c4ToFlowchart(source)).toBeUndefined();
  });
});
