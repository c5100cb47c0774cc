import { z } from '@hono/zod-openapi';
import { Place, SessionClient } from '@shoebox/shared';

/**
 * One live session as its owner sees it in the session list. Kept beside its routes rather than in the shared
 * package: only this listing uses it, and clients read it from the OpenAPI document.
 */
export const SessionListItem = z
  .object({
    id: z.string(),
    deviceId: z.string(),
    deviceName: z.string(),
    client: SessionClient,
    createdAt: z.string().meta({ description: 'When it signed in' }),
    lastSeenAt: z.string().meta({ description: 'Its latest request (recorded at most once a minute)' }),
    expiresAt: z.string(),
    authenticatedAt: z.string(),
    ip: z.string().nullable().meta({ description: 'The address it signed in from' }),
    place: Place.nullable(),
    factors: z.array(z.string()).meta({ description: 'The factors it signed in with' }),
    current: z.boolean().meta({ description: 'The session of this request' }),
  })
  .meta({ id: 'SessionListItem' });
export type SessionListItem = z.infer<typeof SessionListItem>;

export const SessionList = z.object({ items: z.array(SessionListItem) }).meta({ id: 'SessionList' });
