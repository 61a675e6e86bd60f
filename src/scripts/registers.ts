/**
 * Register tables, enhanced. The filters narrow the rows and are kept in the URL query
 * (`?stride=tampering&feature=checkout`), so a filtered view can be pasted into a ticket and reloads
 * filtered. The sortable column headers become buttons. Without this script the whole table shows
 * and the filter controls stay hidden.
 *
 * Filters match the rows' `data-<name>` attributes, where `<name>` is the control's name. Headers
 * with `data-sort` sort by their cell's text, or with `data-sort-order` by the row's
 * `data-<sort>` value ranked in that order.
 */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

for (const register of document.querySelectorAll<HTMLElement>('[data-register]')) enhance(register);

function enhance(register: HTMLElement) {
  const form = register.querySelector<HTMLFormElement>('[data-register-filters]');
  const count = register.querySelector<HTMLElement>('[data-register-count]');
  const table = register.querySelector('table');
  const body = table?.tBodies[0];
  const head = table?.tHead?.rows[0];
  if (!form || !count || !body || !head) return;

  const rows = [...body.rows];
  const selects = [...form.querySelectorAll('select')];
  const headers = [...head.cells].filter((th) => th.dataset['sort']);
  const keys = new Map<string, Array<string | number>>();
  let sort: { key: string; descending: boolean } | undefined;

  /** Sort values of one column, in the rows' original order; computed on first use. */
  const valuesOf = (th: HTMLTableCellElement) => {
    const key = th.dataset['sort']!;
    let values = keys.get(key);
    if (!values) {
      const order = th.dataset['sortOrder']?.split(' ');
      values = rows.map((row) => {
        if (!order) return row.cells[th.cellIndex]?.textContent?.trim() ?? '';
        const rank = order.indexOf(row.getAttribute(`data-${key}`)?.split(' ')[0] ?? '');
        return rank < 0 ? order.length : rank;
      });
      keys.set(key, values);
    }
    return values;
  };

  const filter = () => {
    const active = selects
      .filter((s) => s.value)
      .map((s) => ({ name: `data-${s.name}`, value: s.value, multi: s.hasAttribute('data-filter-multi') }));
    let shown = 0;
    for (const row of rows) {
      const match = active.every((f) => {
        const value = row.getAttribute(f.name) ?? '';
        return f.multi ? value.split(' ').includes(f.value) : value === f.value;
      });
      row.hidden = !match;
      if (match) shown++;
    }
    count.textContent = `${shown} of ${rows.length} rows`;
  };

  const order = () => {
    const th = headers.find((h) => h.dataset['sort'] === sort?.key);
    for (const h of headers) h.removeAttribute('aria-sort');
    if (!th || !sort) return;
    th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
    const values = valuesOf(th);
    const sign = sort.descending ? -1 : 1;
    const compare = (a: string | number, b: string | number) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
    // Ties keep the page's order (feature, then item), whichever the direction.
    const indexes = rows.map((_, i) => i).sort((a, b) => sign * compare(values[a]!, values[b]!) || a - b);
    body.append(...indexes.map((i) => rows[i]!));
  };

  const sync = () => {
    const url = new URL(location.href);
    for (const s of selects) {
      if (s.value) url.searchParams.set(s.name, s.value);
      else url.searchParams.delete(s.name);
    }
    if (sort) url.searchParams.set('sort', `${sort.descending ? '-' : ''}${sort.key}`);
    else url.searchParams.delete('sort');
    history.replaceState(history.state, '', url);
  };

  for (const th of headers) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sp-sort';
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener('click', () => {
      const key = th.dataset['sort']!;
      sort = { key, descending: sort?.key === key && !sort.descending };
      order();
      sync();
    });
  }

  // The view the URL asks for. A value no row carries still applies (and matches nothing), so a
  // link from a ticket never silently shows more than it says.
  const params = new URL(location.href).searchParams;
  for (const s of selects) {
    const value = params.get(s.name);
    if (!value) continue;
    if (![...s.options].some((o) => o.value === value)) s.add(new Option(`${value} (no row)`, value));
    s.value = value;
  }
  const sortParam = params.get('sort') ?? '';
  const sortKey = sortParam.replace(/^-/, '');
  if (headers.some((h) => h.dataset['sort'] === sortKey)) sort = { key: sortKey, descending: sortParam.startsWith('-') };

  form.addEventListener('change', () => {
    filter();
    sync();
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  // `reset` fires before the controls are cleared.
  form.addEventListener('reset', () => setTimeout(() => {
    filter();
    sync();
  }));

  filter();
  order();
  form.hidden = false;
  // Sorting moved the rows: bring a linked row (`#CHK-NFR-01`) back into view.
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && body.contains(target) && (sort || params.size > 0)) target.scrollIntoView();
}
