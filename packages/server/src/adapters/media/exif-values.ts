// Turns raw tag values (as exifr hands them over, untranslated and unrevived) into Shoebox's types. Each function
// accepts anything, because a tag's type is whatever the writing software felt like, and records in `problems`
// why a present value was rejected. An absent tag is not a problem.

export interface CaptureDate {
  /** 'YYYY-MM-DDTHH:mm:ss' plus '.sss' when sub-seconds are known. */
  local: string;
  /** Offset written in the date itself (XMP dates may carry one), normalised to '+HH:MM'. */
  offset: string | null;
  /** The date ended in 'Z': it is UTC, and the local wall time is unknown. */
  utc: boolean;
  /** UTC milliseconds of `local` read as if it were UTC; the caller subtracts the offset. */
  wallMs: number;
}

// EXIF writes 'YYYY:MM:DD HH:MM:SS'; XMP writes ISO 8601 and may add a fraction and a zone.
const DATE_PATTERN =
  /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseCaptureDate(
  value: unknown,
  subSeconds: unknown,
  tag: string,
  problems: string[],
): CaptureDate | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    problems.push(`${tag} is not text (${show(value)}), so the capture time is unknown.`);
    return null;
  }
  const text = cleanText(value) ?? '';
  if (/^[\s:0-]*$/.test(text)) {
    problems.push(`${tag} is blank or zero (${show(value)}), so the capture time is unknown.`);
    return null;
  }
  const match = DATE_PATTERN.exec(text);
  const [year, month, day, hour, minute, second] = (match?.slice(1, 7) ?? []).map((part) =>
    Number(part ?? 0),
  );
  const wallMs = match ? wallClockMs(year, month, day, hour, minute, second) : null;
  if (!match || wallMs === null) {
    problems.push(`${tag} ${show(text)} is not a valid date.`);
    return null;
  }
  const fraction = fractionDigits(match[7]) ?? fractionDigits(subSeconds);
  const zone = match[8]?.toUpperCase();
  return {
    local: `${text.slice(0, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ? `.${fraction}` : ''}`,
    offset: zone && zone !== 'Z' ? normaliseOffset(zone) : null,
    utc: zone === 'Z',
    wallMs: wallMs + (fraction ? Number(fraction) : 0),
  };
}

/** Null when any field is out of range, including dates that do not exist (February 30th). */
function wallClockMs(...fields: (number | undefined)[]): number | null {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getUTCDate() === day ? date.getTime() : null;
}

/** Milliseconds as three digits: SubSecTime '27' is 0.27 s, so '270'. */
function fractionDigits(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+$/.test(text)) return null;
  return text.slice(0, 3).padEnd(3, '0');
}

export function parseOffset(value: unknown, tag: string, problems: string[]): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? cleanText(value) : null;
  if (text === null || /^[\s:]*$/.test(text)) return null; // some cameras write blanks for "not set"
  const offset = normaliseOffset(text);
  if (offset === null) problems.push(`${tag} ${show(text)} is not a valid UTC offset.`);
  return offset;
}

function normaliseOffset(text: string): string | null {
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!match) return null;
  const [, sign, hours, minutes] = match;
  if (Number(hours) > 14 || Number(minutes) > 59) return null;
  return `${sign}${hours}:${minutes}`;
}

export function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

export function parseOrientation(value: unknown, problems: string[]): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8) return value;
  problems.push(`Orientation ${show(value)} is not a valid value (1–8), so it is ignored.`);
  return null;
}

/** Signed decimal degrees from the GPS IFD, or null. 0,0 is what receivers without a fix write. */
export function parseGps(
  gps: Record<string, unknown> | undefined,
  problems: string[],
): [number, number] | null {
  if (!gps || (gps.GPSLatitude === undefined && gps.GPSLongitude === undefined)) return null;
  const latitude = coordinate(gps.GPSLatitude, gps.GPSLatitudeRef, 'S', 90);
  const longitude = coordinate(gps.GPSLongitude, gps.GPSLongitudeRef, 'W', 180);
  if (latitude === null || longitude === null) {
    problems.push('The GPS position is incomplete or out of range, so it is ignored.');
    return null;
  }
  if (latitude === 0 && longitude === 0) {
    problems.push('The GPS position is exactly 0,0, which means the receiver had no fix, so it is ignored.');
    return null;
  }
  return [latitude, longitude];
}

function coordinate(value: unknown, ref: unknown, negativeRef: string, max: number): number | null {
  const parts = typeof value === 'number' ? [value] : Array.isArray(value) ? value : null;
  if (!parts || parts.length === 0 || parts.length > 3) return null;
  if (!parts.every((part): part is number => typeof part === 'number' && Number.isFinite(part))) return null;
  const [degrees = 0, minutes = 0, seconds = 0] = parts;
  const magnitude = degrees + minutes / 60 + seconds / 3600;
  if (magnitude > max) return null;
  const negative = typeof ref === 'string' && ref.trim().toUpperCase() === negativeRef;
  return negative ? -magnitude : magnitude;
}

/** Text up to the first NUL, trimmed; null when nothing is left or the value is not text. */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const end = value.indexOf('\0');
  const text = (end === -1 ? value : value.slice(0, end)).trim();
  return text === '' ? null : text;
}

/** A plausible pixel count along one side, or null. */
export function pixelSize(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 1_000_000
    ? value
    : null;
}

function pad(value: number | undefined): string {
  return String(value ?? 0).padStart(2, '0');
}

/** A value quoted for a problem note, cut short so a hostile tag cannot flood the log. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
