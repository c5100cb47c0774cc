// RFC 8785 JSON Canonicalization Scheme (JCS): exactly one spelling per JSON value,
// so hashes and signatures over JSON agree between server, CLI and browser.

/** A JSON value as JCS understands it (I-JSON: finite numbers, well-formed strings). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * The canonical text of a JSON value: object members sorted by the UTF-16 code
 * units of their names, ECMAScript number serialisation, no whitespace.
 * Throws TypeError on anything that is not plain JSON data (undefined, functions,
 * bigint, symbols, non-finite numbers, lone surrogates, class instances, cycles),
 * because silently dropping or coercing it would commit to a different value.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, [], '$');
}

function serialize(value: unknown, stack: object[], path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is not a finite number`);
      // JSON.stringify of a finite number is ECMAScript Number::toString (and -0 → "0"), which is what JCS specifies.
      return JSON.stringify(value);
    case 'string':
      return quote(value, path);
    case 'object':
      return Array.isArray(value) ? array(value, stack, path) : object(value, stack, path);
    case 'undefined':
    case 'function':
    case 'bigint':
    case 'symbol':
      break;
  }
  throw new TypeError(`canonicalJson: ${path} is ${typeof value}, not a JSON value`);
}

function quote(text: string, path: string): string {
  // A lone surrogate has no UTF-8 encoding; JSON.stringify would escape it, JCS forbids it.
  if (/\p{Cs}/u.test(text)) throw new TypeError(`canonicalJson: ${path} contains a lone surrogate`);
  // For well-formed strings JSON.stringify escapes exactly as JCS §3.2.2.2 asks:
  // \" \\ \b \f \n \r \t, other controls as lowercase \u00xx, everything else verbatim.
  return JSON.stringify(text);
}

function array(items: readonly unknown[], stack: object[], path: string): string {
  enter(items, stack, path);
  const parts: string[] = [];
  // An index loop, not map(): map skips holes, which would hide them.
  for (let i = 0; i < items.length; i++) parts.push(serialize(items[i], stack, `${path}[${i}]`));
  stack.pop();
  return `[${parts.join(',')}]`;
}

function object(value: object, stack: object[], path: string): string {
  const proto: unknown = Object.getPrototypeOf(value);
  // Dates, Maps, Buffers… have their own JSON conventions; a commitment must not depend on them.
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`canonicalJson: ${path} is not a plain object`);
  }
  enter(value, stack, path);
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, the order JCS §3.2.3 requires.
  const keys = Object.keys(record).sort();
  const parts = keys.map((key) => `${quote(key, path)}:${serialize(record[key], stack, `${path}.${key}`)}`);
  stack.pop();
  return `{${parts.join(',')}}`;
}

function enter(value: object, stack: object[], path: string): void {
  if (stack.includes(value)) throw new TypeError(`canonicalJson: ${path} is a cycle`);
  stack.push(value);
}
