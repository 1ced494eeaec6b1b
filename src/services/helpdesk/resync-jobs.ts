// A resync started from the console runs in the background so the page can show it as it goes:
// the plan per target first, then each target's outcome as its worker finishes. The page polls
// the job by id. Jobs live in this process's memory (the newest `keep` of them): a job is a view
// of a resync, the audit trail is its record.
import { randomUUID } from 'node:crypto';
import type { ResyncProgress, ResyncRequest, ResyncResult } from '../provisioning/resync';

export type ResyncRunner = (req: ResyncRequest, progress: ResyncProgress) => Promise<ResyncResult>;

export interface ResyncJobView {
  id: string;
  user: string;
  target: string | null;
  dryRun: boolean;
  /** the signed-in person who started it */
  actor: string;
  /** reading: sources re-read and plans made; running: waiting for the targets; done; failed */
  status: 'reading' | 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  result: ResyncResult | null;
}

export interface ResyncJobRequest {
  user: string;
  target?: string;
  dryRun: boolean;
  actor: string;
}

export class ResyncJobs {
  private readonly jobs = new Map<string, ResyncJobView>();

  constructor(
    private readonly run: ResyncRunner,
    private readonly opts: { keep?: number; now?: () => Date } = {},
  ) {}

  /** Starts the resync and answers at once; `get(id)` follows it. */
  start(req: ResyncJobRequest): ResyncJobView {
    const job: ResyncJobView = {
      id: randomUUID(),
      user: req.user,
      target: req.target ?? null,
      dryRun: req.dryRun,
      actor: req.actor,
      status: 'reading',
      startedAt: this.now(),
      finishedAt: null,
      error: null,
      result: null,
    };
    this.jobs.set(job.id, job);
    this.forgetOld();
    const progress: ResyncProgress = (r) => Object.assign(job, { status: 'running', result: structuredClone(r) });
    this.run({ user: req.user, target: req.target, dryRun: req.dryRun, actor: req.actor }, progress).then(
      (r) => Object.assign(job, { status: 'done', result: structuredClone(r), finishedAt: this.now() }),
      (err: Error) => Object.assign(job, { status: 'failed', error: err.message, finishedAt: this.now() }),
    );
    return structuredClone(job);
  }

  get(id: string): ResyncJobView | null {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : null;
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  private forgetOld(): void {
    const keep = this.opts.keep ?? 200;
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= keep) break;
      this.jobs.delete(id);
    }
  }
}
