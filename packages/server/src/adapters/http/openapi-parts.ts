import type { z } from 'zod';
import { Problem } from '@shoebox/shared';

/** Building blocks every routes file uses to describe itself in the OpenAPI document. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** Routes behind a session token. */
export const security = [{ bearer: [] }];

export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
