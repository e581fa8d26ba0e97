// jsdom lays nothing out: every height is 0 and scrolling does nothing. The
// virtualised lists (src/views/virtualList.ts) need a viewport to fill, so
// the tests give them a small layout model: a scroller (an element holding
// a `.virtual-spacer`) is VIEWPORT_HEIGHT tall, its content is as tall as
// the spacer says, `scrollTo` moves it (within its range) and reports a
// scroll event like a browser. Rows keep their estimated heights.

export const VIEWPORT_HEIGHT = 600;

const isScroller = (el: Element): boolean => el.querySelector(":scope > .virtual-spacer") !== null;
const contentHeight = (el: Element): number =>
  Math.max(VIEWPORT_HEIGHT, Number.parseFloat(el.querySelector<HTMLElement>(":scope > .virtual-spacer")?.style.height ?? "") || 0);
const tops = new WeakMap<Element, number>();

function define(name: string, get: (this: HTMLElement) => number, set?: (this: HTMLElement, v: number) => void): void {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get, set });
}

define("clientHeight", function () {
  return isScroller(this) ? VIEWPORT_HEIGHT : 0;
});
define("clientWidth", function () {
  return isScroller(this) ? 300 : 0;
});
define("scrollHeight", function () {
  return isScroller(this) ? contentHeight(this) : 0;
});
define(
  "scrollTop",
  function () {
    return tops.get(this) ?? 0;
  },
  function (value) {
    const max = isScroller(this) ? contentHeight(this) - VIEWPORT_HEIGHT : Number.POSITIVE_INFINITY;
    tops.set(this, Math.max(0, Math.min(max, value)));
  },
);
HTMLElement.prototype.scrollTo = function (this: HTMLElement, arg?: ScrollToOptions | number, y?: number) {
  const top = typeof arg === "number" ? (y ?? 0) : (arg?.top ?? this.scrollTop);
  this.scrollTop = top;
  this.dispatchEvent(new Event("scroll"));
} as typeof HTMLElement.prototype.scrollTo;

/** Scrolls `el` to `top` as a user would (the browser reports a scroll event). */
export function scrollTo(el: HTMLElement, top: number): void {
  el.scrollTop = top;
  el.dispatchEvent(new Event("scroll"));
}
