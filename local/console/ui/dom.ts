// The console's one way to make DOM: elements by createElement, text by text nodes. Nothing is ever parsed as HTML,
// so a secret name, a description, a tag, a reason or a requester (all chosen by whoever created them) is shown as
// the characters it is and can never become markup or script.

type Child = Node | string | number | null | undefined | false | readonly Child[];
type Handler = (event: Event) => void;
type Attributes = Record<string, string | number | boolean | undefined | Handler>;

const SVG_NS = 'http://www.w3.org/2000/svg';

const append = (parent: Node, child: Child) => {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(parent, c);
    return;
  }
  parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
};

const setAttributes = (element: Element, attributes: Attributes | null | undefined) => {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.replace(/^on/, ''), value);
    } else if (name === 'href' && !String(value).startsWith('#/')) {
      // Links stay inside the console: no javascript:, data: or other origin, whatever built the value.
      throw new Error('The console links to its own pages only');
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
};

/** An HTML element with attributes (on* take handlers) and children (strings become text). */
const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
};

/** An SVG element. */
const s = (tag: string, attributes?: Attributes | null, ...children: Child[]): SVGElement => {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
};

const clear = (element: Element, ...children: Child[]) => {
  element.replaceChildren();
  append(element, children);
};

/** A link to a console page: the path's parts are encoded, so an id cannot add a part of its own. */
const link = (parts: readonly string[], ...children: Child[]) =>
  h('a', { href: `#/${parts.map(encodeURIComponent).join('/')}` }, ...children);

export type { Child };
export { clear, h, link, s };
