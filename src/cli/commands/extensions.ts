import type { Command } from 'commander';
import type { Output } from '../output';

/** Commands contributed by the LDAP frontend and provisioning (password, mfa, resync, queue). */
export function registerExtensionCommands(_program: Command, _o: Output): void {}
