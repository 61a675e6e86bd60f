/**
 * Adds the features to Starlight's sidebar, grouped by area. Only the reader's own area is
 * expanded; the others stay collapsed.
 */
import { defineRouteMiddleware, type StarlightRouteData } from '@astrojs/starlight/route-data';
import { getFeatures } from './features.ts';
import { withBase } from './url.ts';

type Entry = StarlightRouteData['sidebar'][number];

export const onRequest = defineRouteMiddleware(async (context) => {
  const route = context.locals.starlightRoute;
  const features = await getFeatures();
  const current = context.url.pathname;
  const byArea = new Map<string, Entry[]>();
  let currentArea: string | undefined;
  for (const data of features) {
    const href = withBase(`/features/${data.slug}/`);
    const isCurrent = current === href || current.startsWith(href);
    if (isCurrent) currentArea = data.area;
    const list = byArea.get(data.area) ?? [];
    list.push({ type: 'link', label: data.meta.title, href, isCurrent, badge: undefined, attrs: {} });
    byArea.set(data.area, list);
  }
  const groups: Entry[] = [...byArea.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([area, entries]) => ({ type: 'group', label: area, entries, collapsed: area !== currentArea, badge: undefined }));
  route.sidebar = [...route.sidebar, { type: 'group', label: 'Features', entries: groups, collapsed: false, badge: undefined }];
});
