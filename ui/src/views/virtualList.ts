// One list virtualiser for every long list (messages, roster, occupants):
// @tanstack/virtual-core decides which rows are in view, keeps measured
// heights, the total height and the scroll anchoring; this file only puts
// the rows it names into the DOM, in order, reusing the views' row nodes.
import {
  elementScroll,
  measureElement,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type Rect,
  type VirtualItem,
} from "@tanstack/virtual-core";

/** Before layout (a tab not shown, jsdom) a viewport has no height: assume a tall one. */
export const FALLBACK_HEIGHT = 640;

/**
 * Where sizes come from. Real layout by default; tests (jsdom has no
 * layout) put a measured-size stub here to exercise the windowing.
 */
export const layout = {
  /** The viewport's size, or null for "not laid out". */
  viewport: (el: HTMLElement): Rect | null => (el.clientHeight > 0 ? { width: el.clientWidth, height: el.clientHeight } : null),
  /** A rendered row's height, or null for "not laid out". */
  row: (el: HTMLElement): number | null => (el.offsetHeight > 0 ? el.offsetHeight : null),
};

export interface VirtualListOptions {
  /** The element that scrolls. */
  readonly scroller: HTMLElement;
  /** The list inside it whose children are the rendered rows. */
  readonly items: HTMLElement;
  count(): number;
  /** A stable key per row (the list keeps position and measurements by key). */
  key(index: number): string | number;
  /** The row element for `index` (the caller creates or reuses it). */
  row(index: number): HTMLElement;
  /** A row left the rendered window (the caller may keep it for reuse). */
  released?(row: HTMLElement): void;
  /** Height of a row before it is measured; with `fixedSize`, its height. */
  estimate(index: number): number;
  /** Every row has the height `estimate` gives: no measuring. */
  readonly fixedSize?: boolean;
  /**
   * A timeline: rows inserted above what is in view (an older page) keep
   * it in place. Needs the new index of a key; the first `fixedRows` rows
   * (e.g. a status line) stay at the top and are never the anchor.
   */
  readonly anchor?: { indexOf(key: string | number): number; readonly fixedRows: number };
  /** Rows rendered above and below the visible ones. */
  readonly overscan?: number;
}

export interface VirtualList {
  /** The rows changed (count, order, keys, or what they show). Redraws the window. */
  update(): void;
  /** Which rows are rendered now (indexes, in order). */
  rendered(): number[];
  /** Brings row `index` into view (by default: the least scrolling that shows it). */
  scrollToIndex(index: number, align?: "auto" | "center"): void;
  scrollToEnd(): void;
  /** The scroller is in the document again (it may have a size now). */
  refresh(): void;
  dispose(): void;
}

export function createVirtualList(o: VirtualListOptions): VirtualList {
  const spacer = document.createElement("div");
  spacer.className = "virtual-spacer";
  o.scroller.append(spacer);
  spacer.append(o.items);
  o.items.classList.add("virtual-items");
  /** Rendered rows by key. */
  const shown = new Map<VirtualItem["key"], HTMLElement>();
  let drawing = false;

  const virtualizer: Virtualizer<HTMLElement, HTMLElement> = new Virtualizer<HTMLElement, HTMLElement>({
    count: o.count(),
    getScrollElement: () => o.scroller,
    estimateSize: (i) => o.estimate(i),
    getItemKey: (i) => o.key(i),
    overscan: o.overscan ?? 8,
    initialRect: { width: 0, height: FALLBACK_HEIGHT },
    scrollToFn: elementScroll,
    observeElementOffset,
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(layout.viewport(o.scroller) ?? { width: rect.width, height: FALLBACK_HEIGHT })),
    measureElement: (el, entry, instance) => {
      const index = instance.indexFromElement(el);
      if (o.fixedSize) return o.estimate(index);
      if (entry) return measureElement(el, entry, instance);
      // A row not laid out (yet) keeps what it measured last, or its estimate.
      return layout.row(el) ?? instance.itemSizeCache.get(o.key(index)) ?? o.estimate(index);
    },
    // The library tells of a new range (a scroll, a resize, a measurement).
    onChange: () => {
      if (!drawing) update();
    },
  });
  const unmount = virtualizer._didMount();

  function draw(): void {
    drawing = true;
    try {
      const items: VirtualItem[] = virtualizer.getVirtualItems();
      // Sizes are data, not style rules: set through the CSSOM, which the
      // strict CSP (style-src 'self') allows, unlike style attributes.
      const height = `${virtualizer.getTotalSize()}px`;
      if (spacer.style.height !== height) spacer.style.height = height;
      const shift = `translateY(${items[0]?.start ?? 0}px)`;
      if (o.items.style.transform !== shift) o.items.style.transform = shift;
      const keep = new Set(items.map((it) => it.key));
      for (const [key, row] of shown) {
        if (keep.has(key)) continue;
        row.remove();
        shown.delete(key);
        o.released?.(row);
      }
      let cursor = o.items.firstChild;
      for (const it of items) {
        const row = o.row(it.index);
        // The caller replaced the row (its data changed): drop the old node.
        const before = shown.get(it.key);
        if (before !== undefined && before !== row) {
          if (before === cursor) cursor = cursor.nextSibling;
          before.remove();
        }
        const index = String(it.index);
        if (row.dataset.index !== index) row.dataset.index = index;
        shown.set(it.key, row);
        if (row === cursor) cursor = cursor.nextSibling;
        else o.items.insertBefore(row, cursor);
      }
      if (!o.fixedSize) for (const it of items) virtualizer.measureElement(shown.get(it.key) ?? null);
    } finally {
      drawing = false;
    }
  }

  /** The first row in view (below the fixed ones) and how far the view starts into it. */
  function readAnchor(): { key: VirtualItem["key"]; into: number } | null {
    if (!o.anchor) return null;
    const offset = o.scroller.scrollTop;
    const item = virtualizer.getVirtualItems().find((it) => it.index >= o.anchor!.fixedRows && it.end > offset);
    return item ? { key: item.key, into: offset - item.start } : null;
  }

  /** Rows came in above the anchor: scroll by what they added, so the anchor stays put. */
  function keepAnchor(anchor: { key: VirtualItem["key"]; into: number }): void {
    const index = o.anchor!.indexOf(anchor.key as string | number);
    virtualizer.getVirtualItems();
    const start = index < 0 ? undefined : virtualizer.measurementsCache[index]?.start;
    if (start === undefined) return;
    const top = start + anchor.into;
    if (Math.abs(top - o.scroller.scrollTop) >= 1) virtualizer.scrollToOffset(top);
  }

  // The order of a framework adapter: new options, the rows drawn, then the
  // library syncs the scroll position (a prepend keeps the rows in view).
  function update(): void {
    if (drawing) return;
    const count = o.count();
    const anchor = count !== virtualizer.options.count ? readAnchor() : null;
    // A new key function tells the library that rows may have moved (its
    // layout is memoised on it); sizes measured stay, by key.
    virtualizer.setOptions({ ...virtualizer.options, count, getItemKey: (i) => o.key(i) });
    if (anchor) keepAnchor(anchor);
    draw();
    drawing = true;
    try {
      virtualizer._willUpdate();
    } finally {
      drawing = false;
    }
  }

  update();
  return {
    update,
    rendered: () => virtualizer.getVirtualItems().map((it) => it.index),
    scrollToIndex: (index, align = "auto") => {
      virtualizer.scrollToIndex(index, { align });
      draw();
    },
    scrollToEnd: () => {
      virtualizer.scrollToEnd();
      draw();
    },
    refresh: () => {
      virtualizer.measure();
      update();
    },
    dispose: () => {
      unmount();
      for (const row of shown.values()) o.released?.(row);
      shown.clear();
    },
  };
}
