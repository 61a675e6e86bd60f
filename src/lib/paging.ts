/**
 * Portal-wide pages that would grow with the portal (the registers, the threat coverage, the
 * system landscape, the entity index) split by area once they pass {@link PAGE_ROWS} rows: the
 * page becomes an overview of the areas, each area gets its own page, and an area that is itself
 * larger than the limit is numbered (`/registers/threats/payments/`, `…/payments/2/`). A page's
 * size is then bounded by the limit, not by the number of features. Small portals keep their one
 * page, as the sidebar keeps its full list below FULL_SIDEBAR_LIMIT (`areas.ts`).
 */
import { areaSlug } from './areas.ts';

/**
 * Rows per page: above this many rows in all, a portal-wide page is split by area, and an area
 * with more rows than this is split into numbered pages. 200 register rows weigh about 200 KB.
 */
export const PAGE_ROWS = 200;

/** The items of one area, in the order they are listed. */
export interface AreaItems<T> {
  area: string;
  items: T[];
}

/** One page of an area: `/registers/threats/payments/2/` is page 2 of the area `payments`. */
export interface AreaPage<T> {
  area: string;
  /** The area's URL segment (`areaSlug`). */
  slug: string;
  /** 1 for the area's first page. */
  number: number;
  /** How many pages the area has. */
  of: number;
  items: T[];
  /** The route's rest parameter: `payments`, `payments/2`. */
  param: string;
  /** Site-relative URL, without the base path: `/registers/threats/payments/2/`. */
  href: string;
}

/** Whether a page of this many rows is split by area. */
export const isSplit = (rows: number) => rows > PAGE_ROWS;

/**
 * Packs each area's items into pages of at most {@link PAGE_ROWS} rows, in order, below `base`
 * (`/registers/threats/`). An item is never cut across pages (a feature keeps all its rows on one
 * page, so a page's Feature filter shows all of them); an item heavier than the limit gets a page
 * to itself. Areas without items get no page.
 */
export function pagesByArea<T>(areas: ReadonlyArray<AreaItems<T>>, base: string, rowsOf: (item: T) => number = () => 1): AreaPage<T>[] {
  return areas.flatMap(({ area, items }) => {
    const groups: T[][] = [];
    let rows = 0;
    for (const item of items) {
      const weight = rowsOf(item);
      const current = groups.at(-1);
      if (current && rows + weight <= PAGE_ROWS) {
        current.push(item);
        rows += weight;
      } else {
        groups.push([item]);
        rows = weight;
      }
    }
    const slug = areaSlug(area);
    return groups.map((group, i) => {
      const param = i === 0 ? slug : `${slug}/${i + 1}`;
      return { area, slug, number: i + 1, of: groups.length, items: group, param, href: `${base}${param}/` };
    });
  });
}

/** The first page of each area, in order: where an overview links an area to. */
export const firstPages = <T>(pages: ReadonlyArray<AreaPage<T>>) => pages.filter((p) => p.number === 1);

/** The pages of the same area as `page`, in order. */
export const pagesOfArea = <T>(pages: ReadonlyArray<AreaPage<T>>, page: AreaPage<T>) => pages.filter((p) => p.area === page.area);

/**
 * What one route of a page that may split renders: every item (a small portal), the overview of
 * the areas, or one page of one area.
 */
export type PagedView<T> =
  | { kind: 'all'; items: T[] }
  | { kind: 'overview'; items: T[]; pages: AreaPage<T>[] }
  | { kind: 'area'; page: AreaPage<T>; pages: AreaPage<T>[] };

/**
 * `getStaticPaths` of a `[...page].astro` route: the page itself (whole, or the overview when
 * `pages` is given), then each area page under its rest parameter.
 */
export function pagedPaths<T>(items: T[], pages: AreaPage<T>[] | undefined): Array<{ params: { page: string | undefined }; props: { view: PagedView<T> } }> {
  if (!pages) return [{ params: { page: undefined }, props: { view: { kind: 'all', items } } }];
  return [
    { params: { page: undefined }, props: { view: { kind: 'overview', items, pages } } },
    ...pages.map((page) => ({ params: { page: page.param }, props: { view: { kind: 'area' as const, page, pages } } })),
  ];
}

/** The items a view lists: all of them, or one page's; an overview lists none of them. */
export const itemsOf = <T>(view: PagedView<T>): T[] => (view.kind === 'all' ? view.items : view.kind === 'area' ? view.page.items : []);

/** A page's title: `Threat register`, or `Threat register: payments (2 of 3)` for an area page. */
function pagedTitle(title: string, view: PagedView<unknown>): string {
  if (view.kind !== 'area') return title;
  const { area, number, of } = view.page;
  return `${title}: ${area}${of > 1 ? ` (${number} of ${of})` : ''}`;
}

/**
 * The Starlight frontmatter a view sets: its title and, on an area page, the previous and next
 * links at its foot (the area's neighbouring pages, none past its ends, rather than the sidebar's
 * neighbours), and whether search indexes it: an area page repeats the overview's text, so only
 * `searchable` ones (whose own content search should find) are indexed.
 */
export function pagedFrontmatter(title: string, view: PagedView<unknown>, withBase: (href: string) => string, { searchable = false } = {}) {
  if (view.kind !== 'area') return { title };
  const { page, pages } = view;
  const at = (number: number) => pages.find((p) => p.area === page.area && p.number === number);
  const link = (p: AreaPage<unknown> | undefined) => (p ? { link: withBase(p.href), label: `${p.area}, page ${p.number} of ${p.of}` } : false);
  return { title: pagedTitle(title, view), prev: link(at(page.number - 1)), next: link(at(page.number + 1)), ...(searchable ? {} : { pagefind: false }) };
}
