/** English strings of links to single activity entries (viewer provenance → activity), spread into en. */
export const enLinks = {
  'links.entry': 'Entry #{seq}',
  'links.openEntry': 'See activity entry #{seq}',
} as const;
