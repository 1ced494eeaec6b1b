// Queue names and job ids. BullMQ forbids ':' in queue names and in custom job ids (it uses ':' in
// its own keys), so the logical job id `<target>:<identityId>` is stored percent-encoded
// (':' -> '%3A', '%' -> '%25'): reversible, and still readable in redis-cli and `queue failed`.
import { jobIdOf } from '../ports/change-queue';

export function queueNameOf(target: string): string {
  return `provision-${target}`;
}

export function bullJobIdOf(target: string, identityId: string): string {
  return encodeJobId(jobIdOf(target, identityId));
}

export function encodeJobId(logical: string): string {
  return logical.replace(/%/g, '%25').replace(/:/g, '%3A');
}

export function decodeJobId(encoded: string): string {
  return encoded.replace(/%3A/g, ':').replace(/%25/g, '%');
}
