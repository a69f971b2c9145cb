/**
 * Long lists (a page of up to 1,000 instances, a timeline of thousands of events) built with plain
 * DOM calls instead of preact's virtual DOM, which costs several times more per row. Data only
 * ever goes in as text nodes and attribute values, never as markup. Rows are keyed: a refresh
 * rebuilds only the rows whose content changed and leaves the others (and the scroll position,
 * a focused link, a selection) alone.
 */
import { h } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

type Child = Node | string | null | undefined | false;

/** `document.createElement` with attributes (`class` included) and children; strings become text. */
export function el(
  tag: string,
  attributes: Record<string, string | undefined> | null,
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const name in attributes) {
    const value = attributes[name];
    if (value === undefined) continue;
    if (name === 'class') element.className = value;
    else element.setAttribute(name, value);
  }
  for (const child of children) {
    if (typeof child === 'string') {
      if (child !== '') element.appendChild(document.createTextNode(child));
    } else if (child) element.appendChild(child);
  }
  return element;
}

export interface RowSpec<T> {
  key(item: T): string;
  /** What the row shows: an item whose signature is unchanged keeps its element. */
  signature(item: T): string;
  build(item: T): HTMLElement;
}

interface Built {
  signature: string;
  element: HTMLElement;
}

/**
 * Rows per block. The browser skips the layout and paint of a block off screen (content-visibility
 * in app.css), and the style of its rows too: a thousand rows cost it twenty blocks and a screenful.
 */
const BLOCK = 50;

/**
 * Makes `parent`'s rows the items' rows, in order, in blocks of `BLOCK`, building only new and
 * changed rows (the others keep their elements).
 */
function syncRows<T>(
  parent: HTMLElement,
  items: readonly T[],
  spec: RowSpec<T>,
  built: Map<string, Built>,
): void {
  const next = new Map<string, Built>();
  const elements: HTMLElement[] = [];
  for (const item of items) {
    const key = spec.key(item);
    const signature = spec.signature(item);
    const old = built.get(key);
    const row = old && old.signature === signature ? old : { signature, element: spec.build(item) };
    next.set(key, row);
    elements.push(row.element);
  }
  const blocks = Math.ceil(elements.length / BLOCK);
  while (parent.children.length > blocks) parent.lastElementChild!.remove();
  while (parent.children.length < blocks) parent.appendChild(el('div', { class: 'row-block', role: 'none' }));
  for (let b = 0; b < blocks; b++) {
    placeRows(parent.children[b] as HTMLElement, elements.slice(b * BLOCK, (b + 1) * BLOCK));
  }
  built.clear();
  for (const [key, row] of next) built.set(key, row);
}

/** Makes `block`'s children exactly `rows`, moving as few elements as it can. */
function placeRows(block: HTMLElement, rows: readonly HTMLElement[]): void {
  const keep = new Set(rows);
  for (const child of Array.from(block.children)) if (!keep.has(child as HTMLElement)) child.remove();
  let at = block.firstElementChild;
  for (const row of rows) {
    if (row === at) at = at.nextElementSibling;
    else block.insertBefore(row, at);
  }
}

/**
 * An element whose children are blocks of the items' rows. preact renders the element and never
 * its children; the rows are synchronised right after each render, before the browser paints, so
 * they are in the page in the same task as the data that brought them.
 */
export function RowList<T>(props: {
  attributes?: Record<string, string>;
  items: readonly T[];
  spec: RowSpec<T>;
}) {
  const parent = useRef<HTMLElement>(null);
  const built = useRef(new Map<string, Built>());
  useLayoutEffect(() => {
    if (parent.current) syncRows(parent.current, props.items, props.spec, built.current);
  }, [props.items, props.spec]);
  return h('div', { ...props.attributes, ref: parent });
}
