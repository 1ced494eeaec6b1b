// A webhook cannot be read back, so idsync remembers what it last sent. The ledger is only a
// cache: losing it makes lookup answer null, and the engine then sends an upsert, which the
// receiver must treat as create-or-update anyway.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ActualAccount } from '../../../ports/target-connector';

export class WebhookLedger {
  private readonly byId = new Map<string, ActualAccount>();

  constructor(private readonly path?: string) {
    if (path && existsSync(path)) {
      const rows = JSON.parse(readFileSync(path, 'utf8')) as ActualAccount[];
      for (const row of rows) this.byId.set(row.externalId, row);
    }
  }

  get(externalId: string): ActualAccount | null {
    return this.byId.get(externalId) ?? null;
  }

  findByUserName(userName: string): ActualAccount | null {
    const want = userName.toLowerCase();
    for (const a of this.byId.values()) if (a.userName.toLowerCase() === want) return a;
    return null;
  }

  put(account: ActualAccount): void {
    this.byId.set(account.externalId, account);
    this.save();
  }

  delete(externalId: string): void {
    if (this.byId.delete(externalId)) this.save();
  }

  all(): ActualAccount[] {
    return [...this.byId.values()];
  }

  private save(): void {
    if (!this.path) return;
    // write-then-rename so a crash never leaves half a file
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.all()));
    renameSync(tmp, this.path);
  }
}
