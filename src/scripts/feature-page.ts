/**
 * Feature page behaviour: copy buttons for item links and diagram sources, full-screen
 * diagrams with wheel zoom and drag to pan, and a linked item kept in view while diagrams render.
 */
async function copy(text: string, button: HTMLElement) {
  try {
    await navigator.clipboard.writeText(text);
    button.dataset['copied'] = 'true';
    setTimeout(() => delete button.dataset['copied'], 1500);
  } catch {
    window.prompt('Copy this:', text);
  }
}

document.addEventListener('click', (event) => {
  const target = (event.target as Element).closest<HTMLElement>('[data-copy-link],[data-copy-text],[data-fullscreen]');
  if (!target) return;
  if (target.dataset['copyLink']) void copy(new URL(target.dataset['copyLink'], location.href).href, target);
  else if (target.dataset['copyText'] !== undefined) void copy(target.dataset['copyText'], target);
  else if (target.hasAttribute('data-fullscreen')) {
    const figure = target.closest<HTMLElement>('[data-diagram]');
    if (!figure) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void figure.requestFullscreen().then(() => enablePanZoom(figure));
  }
});

function enablePanZoom(figure: HTMLElement) {
  const svg = figure.querySelector<SVGSVGElement>('.sp-diagram-canvas svg');
  if (!svg) return;
  let scale = 1;
  let x = 0;
  let y = 0;
  const apply = () => (svg.style.transform = `translate(${x}px, ${y}px) scale(${scale})`);
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    scale = Math.min(8, Math.max(0.25, scale * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
    apply();
  };
  const onDown = (e: PointerEvent) => {
    const startX = e.clientX - x;
    const startY = e.clientY - y;
    const move = (m: PointerEvent) => {
      x = m.clientX - startX;
      y = m.clientY - startY;
      apply();
    };
    const up = () => window.removeEventListener('pointermove', move);
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up, { once: true });
  };
  figure.addEventListener('wheel', onWheel, { passive: false });
  figure.addEventListener('pointerdown', onDown);
  document.addEventListener(
    'fullscreenchange',
    () => {
      if (document.fullscreenElement) return;
      figure.removeEventListener('wheel', onWheel);
      figure.removeEventListener('pointerdown', onDown);
      svg.style.transform = '';
    },
    { once: true },
  );
}

// A printed page is a sprint-planning pack: show the rubric and entity tables, not the Mermaid sources.
window.addEventListener('beforeprint', () => {
  for (const details of document.querySelectorAll<HTMLDetailsElement>('.sp-feature details:not(.sp-source)')) details.open = true;
});

/**
 * A link to an item (`#CHK-NFR-01`, where a ticket's permanent link leads) lands on it before the
 * diagrams above it have rendered, and each diagram that renders pushes the item further down. So
 * while the page grows, the item is brought back into view, until the reader scrolls or clicks,
 * or ten seconds have passed.
 */
function keepLinkedItemInView() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id ? document.getElementById(id) : null;
  if (!target) return;
  const observer = new ResizeObserver(() => target.scrollIntoView());
  const stop = () => observer.disconnect();
  observer.observe(document.body);
  for (const event of ['wheel', 'touchstart', 'keydown', 'mousedown']) addEventListener(event, stop, { once: true, passive: true });
  setTimeout(stop, 10_000);
}
keepLinkedItemInView();
