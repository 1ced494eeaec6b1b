// Counters of the inbound listener, in the Prometheus text format: every rejected request by
// source, status and reason, and every accepted write by source and kind of change.
type Key = string;

export class InboundMetrics {
  private readonly rejectedCounts = new Map<Key, number>();
  private readonly acceptedCounts = new Map<Key, number>();

  rejected(source: string, status: number, reason: string): void {
    bump(this.rejectedCounts, labels({ source, status: String(status), reason }));
  }

  accepted(source: string, change: string): void {
    bump(this.acceptedCounts, labels({ source, change }));
  }

  /** rejections so far matching the given labels (every label when none are given) */
  rejectedTotal(match: { source?: string; status?: number; reason?: string } = {}): number {
    const want = Object.entries(match).map(([k, v]) => `${k}="${escape(String(v))}"`);
    let n = 0;
    for (const [key, count] of this.rejectedCounts) if (want.every((w) => key.includes(w))) n += count;
    return n;
  }

  text(): string {
    return [
      family('idsync_inbound_rejected_total', 'Requests to the inbound listener answered 4xx, by source, status and reason.', this.rejectedCounts),
      family('idsync_inbound_accepted_total', 'Changes pushed to the inbound listener and committed, by source and change.', this.acceptedCounts),
    ].join('');
  }
}

function family(name: string, help: string, counts: Map<Key, number>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} counter`];
  for (const [key, n] of counts) lines.push(`${name}{${key}} ${n}`);
  return `${lines.join('\n')}\n`;
}

function bump(map: Map<Key, number>, key: Key): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function labels(l: Record<string, string>): Key {
  return Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
