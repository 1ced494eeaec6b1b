import type { ChangeEvent } from '../ports/identity-store';

/** In-process fan-out of committed changes. A throwing listener never breaks a commit. */
export class ChangeNotifier {
  private listeners = new Set<(event: ChangeEvent) => void>();

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ChangeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; the commit already happened.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
