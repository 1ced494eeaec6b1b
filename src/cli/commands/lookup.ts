import type { Identity } from '../../domain/types';
import type { IdentityStore } from '../../ports/identity-store';
import { CliFailure } from '../errors';

/** The helpdesk types whatever they have: a username, an employee id or an email address. */
export async function findIdentity(store: IdentityStore, who: string): Promise<Identity> {
  const byUsername = await store.getIdentity({ by: 'username', value: who });
  if (byUsername) return byUsername;
  const byEmployee = await store.getIdentity({ by: 'employeeId', value: who });
  if (byEmployee) return byEmployee;
  if (who.includes('@')) {
    const byMail = await store.findIdentitiesByMail(who);
    if (byMail.length === 1) return byMail[0];
    if (byMail.length > 1) {
      throw new CliFailure(`${byMail.length} people share the email ${who}; use a username: ${byMail.map((i) => i.username).join(', ')}.`);
    }
  }
  throw new CliFailure(`no person matches "${who}" as username, employee id or email.`);
}
