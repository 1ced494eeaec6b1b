// The cross-instance lock a source run holds, so at most one run per source happens at a time.
export interface HeldLock {
  release(): Promise<void>;
}

export interface Locks {
  /** the lock, or null when another holder has it */
  acquire(key: string): Promise<HeldLock | null>;
}
