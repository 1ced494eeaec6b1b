// Concurrent workers adding people to a group that does not exist yet would each create it (Graph
// and many SCIM providers allow duplicate display names): one lookup-or-create per key at a time.
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const p = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }
}
