// What a validation issue says, in words for the person who typed the value ("must be at least 8 characters"),
// not in the validator's own terms ("Too small: expected string to have >=8 characters"). Messages the schemas
// wrote themselves (refinements, regex descriptions) are kept as they are.
import type { z } from '@hono/zod-openapi';

type Issue = z.core.$ZodIssue;

const UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};

function count(n: number | bigint, origin: string): string {
  const unit = UNITS[origin];
  if (!unit) return String(n);
  return `${String(n)} ${Number(n) === 1 ? unit[0] : unit[1]}`;
}

function bound(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const { origin } = issue;
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const exact = issue.inclusive !== false;
  if (origin === 'string' && issue.code === 'too_small' && Number(limit) === 1) return 'must not be empty';
  if (origin === 'array' && issue.code === 'too_small' && Number(limit) === 1)
    return 'must list at least one';
  if (origin in UNITS)
    return `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${count(limit, origin)}`;
  const word =
    issue.code === 'too_small' ? (exact ? 'at least' : 'more than') : exact ? 'at most' : 'less than';
  return `must be ${word} ${String(limit)}`;
}

export function issueText(issue: Issue): string {
  switch (issue.code) {
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_type':
      // The issue carries no input (zod leaves it out unless asked); its own message names what was received.
      return /received undefined$/.test(issue.message) ? 'is required' : `must be ${article(issue.expected)}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'must be an e-mail address' : issue.message;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `has fields this request does not take: ${issue.keys.join(', ')}`;
    case 'custom':
    case 'invalid_element':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'an object';
  if (type === 'int') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
