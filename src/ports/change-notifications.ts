// Cross-instance change notification: after a commit, every instance (and a daemon beside a
// one-shot `idsync sync`) hears the change-feed sequence and reads the feed from the store. The
// store stays the record; a lost notification only delays a reader until its next poll.
export interface ChangeNotifications {
  /** tells every instance that commit `seq` happened */
  publish(seq: number): Promise<void>;
  /** `listener(seq)` for every commit any instance publishes; returns the unsubscribe function */
  subscribe(listener: (seq: number) => void): () => void;
}
