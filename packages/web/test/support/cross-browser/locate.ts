/**
 * Finding elements the way a person describes them (role + accessible name, label, text), in the page itself, so
 * the same lookup runs unchanged in every engine. The found element is tagged with a `data-xb` attribute and the
 * drivers act on it natively (WebDriver / BiDi clicks, key presses, file inputs) through that CSS selector.
 */

/** What to find. Strings match whole names (whitespace collapsed); regular expressions match anywhere. */
export interface Target {
  css?: string;
  role?: string;
  name?: string | RegExp;
  label?: string;
  text?: string | RegExp;
  /** Look only inside the first match of this target. */
  within?: Target;
  /** Also match elements that take no space (hidden file inputs). */
  hidden?: boolean;
}

interface Pattern {
  exact?: string;
  source?: string;
  flags?: string;
}

interface WireTarget extends Omit<Target, 'name' | 'text' | 'within'> {
  name?: Pattern;
  text?: Pattern;
  within?: WireTarget;
}

function pattern(value: string | RegExp): Pattern {
  return typeof value === 'string' ? { exact: value } : { source: value.source, flags: value.flags };
}

function toWire(target: Target): WireTarget {
  return {
    ...target,
    name: target.name === undefined ? undefined : pattern(target.name),
    text: target.text === undefined ? undefined : pattern(target.text),
    within: target.within && toWire(target.within),
  };
}

export function describeTarget(target: Target): string {
  return JSON.stringify(target, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value));
}

// Plain ES2019 so that no engine needs a transpiler; kept small and explicit rather than complete ARIA.
const FIND = `(function find(spec, root) {
  var norm = function (s) { return (s || '').replace(/\\s+/g, ' ').trim(); };
  var matches = function (p, s) {
    if (!p) return true;
    s = norm(s);
    return p.exact !== undefined ? s === p.exact : new RegExp(p.source, p.flags).test(s);
  };
  var IMPLICIT = { BUTTON: 'button', A: 'link', H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading',
    SELECT: 'combobox', TEXTAREA: 'textbox', DIALOG: 'dialog', IMG: 'img', NAV: 'navigation' };
  var roleOf = function (el) {
    if (el.getAttribute('role')) return el.getAttribute('role');
    if (el.tagName === 'INPUT') {
      var type = el.type;
      return type === 'button' || type === 'submit' ? 'button' : type === 'checkbox' ? 'checkbox' : 'textbox';
    }
    if (el.tagName === 'A' && !el.hasAttribute('href')) return '';
    return IMPLICIT[el.tagName] || '';
  };
  // A label's own text, without the options of the control it wraps.
  var ownText = function (node) {
    if (node.nodeType === 3) return node.nodeValue;
    if (/^(SELECT|INPUT|TEXTAREA|BUTTON)$/.test(node.nodeName)) return '';
    return Array.prototype.map.call(node.childNodes, ownText).join('');
  };
  // A name from content: text, and the alt text of images (a photo cell's button is named by its thumbnail).
  var contentName = function (node) {
    if (node.nodeType === 3) return node.nodeValue;
    if (node.nodeName === 'IMG') return ' ' + node.alt + ' ';
    return Array.prototype.map.call(node.childNodes, contentName).join('');
  };
  var labelsOf = function (el) {
    var out = [];
    if (el.getAttribute('aria-label')) out.push(el.getAttribute('aria-label'));
    (el.getAttribute('aria-labelledby') || '').split(/\\s+/).forEach(function (id) {
      var ref = id && document.getElementById(id);
      if (ref) out.push(ref.textContent);
    });
    Array.prototype.forEach.call(el.labels || [], function (l) { out.push(ownText(l)); });
    return out;
  };
  var nameOf = function (el) {
    var labels = labelsOf(el);
    if (labels.length) return labels[0];
    return contentName(el);
  };
  var visible = function (el) {
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  root = root || document;
  if (spec.within) {
    root = find(spec.within, root);
    if (!root) return null;
  }
  var all = root.querySelectorAll(spec.css || '*');
  var found = null;
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (spec.role && roleOf(el) !== spec.role) continue;
    if (spec.name && !matches(spec.name, nameOf(el))) continue;
    if (spec.label && !labelsOf(el).some(function (l) { return norm(l) === spec.label; })) continue;
    if (spec.text && !matches(spec.text, el.textContent)) continue;
    if (!spec.hidden && !visible(el)) continue;
    // By text, the innermost element wins: its ancestors come first in document order and contain it too.
    if (!spec.text) return el;
    found = el;
  }
  return found;
})`;

let counter = 0;

/**
 * A JS expression that finds the target, tags it, and evaluates to its CSS selector (or null when absent). With
 * `read`, it evaluates to the element's innerText instead.
 */
export function locateExpression(target: Target, read = false): string {
  const tag = `xb${++counter}`;
  const spec = JSON.stringify(toWire(target));
  const result = read ? 'el.innerText' : `'[data-xb="${tag}"]'`;
  return `(function () {
    var el = ${FIND}(${spec});
    if (!el) return null;
    el.setAttribute('data-xb', '${tag}');
    return ${result};
  })()`;
}
