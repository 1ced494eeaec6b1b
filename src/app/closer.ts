/**
 * Ordered shutdown steps. `close()` is idempotent and runs every step even when one throws
 * (BullMQ's worker.close idea), newest first: what started last stops first.
 */
export class Closer {
  private steps: { name: string; fn: () => Promise<void> | void }[] = [];
  private closing: Promise<string[]> | null = null;

  add(name: string, fn: () => Promise<void> | void): void {
    this.steps.push({ name, fn });
  }

  close(): Promise<string[]> {
    this.closing ??= (async () => {
      const failures: string[] = [];
      for (const step of [...this.steps].reverse()) {
        try {
          await step.fn();
        } catch (err) {
          failures.push(`${step.name}: ${(err as Error).message}`);
        }
      }
      return failures;
    })();
    return this.closing;
  }
}
