// States and outcomes as words, so nothing on the page depends on colour alone.
import type { LifecycleState } from '../../domain/types';
import type { ResyncJobView } from './backend';

const STATE_WORDS: Record<LifecycleState, string> = {
  prehire: 'Pre-hire (not started yet)',
  active: 'Active',
  suspended: 'Suspended',
  terminated: 'Terminated',
};

export function stateWord(s: LifecycleState): string {
  return STATE_WORDS[s] ?? s;
}

/** the core stylesheet's colour for a state; the word stays the message */
export function stateClass(s: LifecycleState): string {
  return s === 'active' ? 'state-good' : s === 'prehire' ? '' : 'state-bad';
}

type Outcome = NonNullable<ResyncJobView['result']>['targets'][number];

/** The word a target's line shows: preview, queued, applied, failed: <error>. */
export function outcomeWord(t: Outcome): string {
  switch (t.outcome) {
    case 'dry-run':
      return 'preview only, nothing changed';
    case 'still queued':
      return 'queued';
    case 'applied':
      return 'applied';
    case 'failed':
      return `failed: ${t.error ?? 'unknown error'}`;
    case 'error':
      return `error: ${t.error ?? 'unknown error'}`;
  }
}

export function jobWord(job: ResyncJobView): string {
  const what = job.dryRun ? 'Preview' : 'Resync';
  switch (job.status) {
    case 'reading':
      return `${what}: re-reading the sources…`;
    case 'running':
      return `${what}: waiting for the targets…`;
    case 'done':
      return `${what} finished`;
    case 'failed':
      return `${what} failed: ${job.error ?? 'unknown error'}`;
  }
}
