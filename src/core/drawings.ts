/**
 * A build's drawings of its bundle diagrams (files and story blocks), all started on the parse
 * worker when the first page asks for one (live-portal.ts). They are made on the other core while
 * Astro renders pages, and each feature page takes its own when it renders, instead of drawing
 * them one after another on the page's thread.
 */
import { drawingKey, drawingOf, factsOf, type DiagramSvg } from './diagram-svg.ts';
import type { Portal } from './model.ts';
import { runOffThread } from './parse-pool.ts';

/** Each drawing by `drawingKey`: the SVG, or why Mermaid draws that diagram in the browser. */
export type Drawings = Map<string, Promise<DiagramSvg | string>>;

export function startDrawings(portal: Portal): Drawings {
  const drawings: Drawings = new Map();
  for (const feature of portal.features) {
    for (const diagram of [feature.context, feature.dataModel, ...feature.sequences.map((s) => s.diagram), ...feature.storyDiagrams]) {
      if (!diagram) continue;
      const { body, idPrefix } = drawingOf(diagram);
      const job = runOffThread({ kind: 'draw', body, facts: factsOf(diagram), idPrefix });
      drawings.set(drawingKey(body, idPrefix), job.catch((error: unknown) => `the drawing failed: ${String(error)}`));
    }
  }
  return drawings;
}
