// Prometheus text for the operational gauges the health checks compute: one HELP/TYPE header per
// family, samples grouped under it (the exposition format requires a family's lines together).
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const FAMILIES: Record<string, string> = {
  idsync_ready: '1 while every critical health check (store, Redis, LDAP listeners) passes.',
  idsync_health_check_ok: '1 while the named health check passes.',
  idsync_source_last_run_age_seconds: 'Seconds since the source last finished a run, whatever its outcome.',
  idsync_source_last_run_success: '1 when the source\'s last finished run was applied (or allowed), 0 otherwise.',
  idsync_source_last_run_outcome: 'The status of the source\'s last finished run (applied, allowed, held, incomplete, failed).',
  idsync_source_last_success_age_seconds: 'Seconds since the source last applied a run; +Inf when it never has.',
  idsync_target_queue_depth: 'Jobs waiting, prioritized, active or delayed in the target\'s queue.',
  idsync_oldest_pending_intent_age_seconds: 'Age of the oldest pending intent for the target, by priority class (revoke, change, repair); 0 when none.',
  idsync_ldap_listener_up: '1 while the LDAP listener accepts TCP connections.',
};

export function renderSamples(samples: Sample[]): string {
  const byName = new Map<string, Sample[]>();
  for (const s of samples) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, group] of byName) {
    lines.push(`# HELP ${name} ${FAMILIES[name] ?? name}`, `# TYPE ${name} gauge`);
    for (const s of group) lines.push(`${name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}
