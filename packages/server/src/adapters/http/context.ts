import type { HttpBindings } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Principal } from '../../platform/principal.ts';
import { issueText } from './issue-text.ts';

export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    requestId: string;
    ip: string | null;
    log: Logger;
    principal: Principal | undefined;
  };
}

export type AppContext = Context<AppEnv>;

/** A router whose validation failures become `validation_failed` problems, like every other error. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: issueText(i) }));
        const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
        throw new AppError('validation_failed', `The request is not valid: ${summary}`, { issues });
      }
      return undefined;
    },
  });
}

/** The signed-in principal of a route that is behind the auth middleware. */
export function principalOf(c: AppContext): Principal {
  const principal = c.get('principal');
  if (!principal) throw new AppError('unauthenticated', 'Sign in first.');
  return principal;
}
