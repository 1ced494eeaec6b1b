import { foldToAscii } from '../../domain/username';
import type { Entitlement, Identity } from '../../domain/types';
import type { AccessPolicy } from '../../ports/access-policy';

export const DEPARTMENT_RULE = 'builtin:department';

/** "Research & Development" -> "research-development": lower-case ASCII words joined by "-". */
export function slugifyDepartment(department: string): string {
  return department
    .split(/[^\p{L}\p{N}]+/u)
    .map((word) => foldToAscii(word))
    .filter(Boolean)
    .join('-');
}

/**
 * Default access: everyone not terminated is in their department's group. Suspended people keep
 * the membership (their account is disabled instead) so a return from leave restores it as it was.
 */
export const departmentGroupsPolicy: AccessPolicy = {
  entitlements(identity: Identity): Entitlement[] {
    if (identity.state === 'terminated') return [];
    const department = identity.attributes.department;
    const slug = department ? slugifyDepartment(department) : '';
    return slug ? [{ kind: 'group', name: slug, rule: DEPARTMENT_RULE }] : [];
  },
};
