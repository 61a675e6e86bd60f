/**
 * Adds the features to Starlight's sidebar, grouped by area, with only the reader's own area
 * expanded. Past FULL_SIDEBAR_LIMIT features, other areas shrink to one link to their area page,
 * so a page's size does not grow with the portal. Also writes the page's `<title>` as text.
 */
import { defineRouteMiddleware, type StarlightRouteData } from '@astrojs/starlight/route-data';
import { byArea, FULL_SIDEBAR_LIMIT } from './areas.ts';
import { getFeatures } from './features.ts';
import { withBase } from './url.ts';

type Entry = StarlightRouteData['sidebar'][number];

const link = (label: string, href: string, isCurrent: boolean): Entry => ({ type: 'link', label, href, isCurrent, badge: undefined, attrs: {} });

/** Text for an element whose content is written as HTML. */
const escapeText = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

export const onRequest = defineRouteMiddleware(async (context) => {
  const route = context.locals.starlightRoute;
  // Starlight writes each head entry's content as HTML, and a page title can be spec text (a
  // feature's title, an area's name): written as it is, `</title><script>` in a title would run.
  for (const entry of route.head) if (entry.tag === 'title' && entry.content) entry.content = escapeText(entry.content);
  const features = await getFeatures();
  const current = context.url.pathname;
  const areas = byArea(features);
  const full = features.length <= FULL_SIDEBAR_LIMIT;
  const currentArea = areas.find(
    (a) => current.startsWith(withBase(`/areas/${a.slug}/`)) || a.features.some((f) => current.startsWith(withBase(`/features/${f.slug}/`))),
  );
  const groups: Entry[] = areas.map((area) => {
    const areaHref = withBase(`/areas/${area.slug}/`);
    if (!full && area !== currentArea) return link(`${area.area} (${area.features.length})`, areaHref, false);
    return {
      type: 'group',
      label: area.area,
      collapsed: area !== currentArea,
      badge: undefined,
      entries: [
        ...(full ? [] : [link(`All of ${area.area}`, areaHref, current === areaHref)]),
        ...area.features.map((f) => {
          const href = withBase(`/features/${f.slug}/`);
          return link(f.meta.title, href, current.startsWith(href));
        }),
      ],
    };
  });
  route.sidebar = [...route.sidebar, { type: 'group', label: 'Features', entries: groups, collapsed: false, badge: undefined }];
});
