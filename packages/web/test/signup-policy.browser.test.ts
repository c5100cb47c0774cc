/**
 * Sign-up from a fresh browser in Chromium under the open policy, and with an invite code under the invite policy
 * (the code is used up).
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../../server/test/support/api.ts';
import { desktopContext } from './support/accounts.ts';
import { useFlowFixture } from './support/flows.ts';

describe('sign-up policies in Chromium', () => {
  const flow = useFlowFixture('signup');

  it('lets a fresh browser sign up under the open policy, and with an invite code under the invite policy', async () => {
    const signUp = async (email: string, invite?: string) => {
      const { context, page } = await desktopContext(flow.fx.browser);
      try {
        await page.goto(flow.fx.server.url);
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await page.getByRole('button', { name: 'Create an account' }).click();
        await page.getByRole('heading', { name: 'Create your account' }).waitFor();
        await page.getByLabel('Your name').fill('Wang Fang');
        await page.getByLabel('E-mail').fill(email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        if (invite !== undefined) {
          await page.getByText('This server is invite-only').waitFor();
          await page.getByLabel('Invite code').fill(invite);
        }
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
      } finally {
        await context.close();
      }
    };

    const open = await flow.admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'open' });
    expect(open.status).toBe(200);
    await signUp('open-signup@example.com');

    const invitePolicy = await flow.admin.client.call('PUT', '/api/admin/signup-policy', {
      signupPolicy: 'invite',
    });
    expect(invitePolicy.status).toBe(200);
    const made = await flow.admin.client.post<{ code: string }>('/api/admin/invites', {
      email: 'invited@example.com',
    });
    expect(made.status).toBe(201);
    await signUp('invited@example.com', made.body.code);
    // The code was used up by that sign-up.
    const left = await flow.admin.client.get<{ items: unknown[] }>('/api/admin/invites');
    expect(left.body.items).toEqual([]);
    await flow.admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'closed' });
  }, 120_000);
});
