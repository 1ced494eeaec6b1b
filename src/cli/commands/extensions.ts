import type { Command } from 'commander';
import type { Output } from '../output';
import { registerCredentialCommands } from './credentials';
import { registerProvisioningCommands } from './provisioning';

/** Commands contributed by the LDAP frontend and provisioning (password, mfa, resync, queue). */
export function registerExtensionCommands(program: Command, o: Output): void {
  registerCredentialCommands(program, o);
  registerProvisioningCommands(program, o);
}
