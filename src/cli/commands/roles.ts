import type { Command } from 'commander';
import { grantRules } from '../../app/rules';
import { buildRoleReport } from '../../services/roles-report/read';
import type { ChangeList, GrantRuleReport, RoleReport } from '../../services/roles-report/types';
import { withContext } from '../context';
import { UsageError } from '../errors';
import { printJson, printTable, type Output } from '../output';

const DAY_MS = 24 * 60 * 60 * 1000;

interface ReportOptions {
  config: string;
  json?: boolean;
  days: string;
  limit: string;
}

function positiveInteger(value: string, option: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${option} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

async function report(opts: ReportOptions): Promise<RoleReport> {
  const days = positiveInteger(opts.days, '--days', 3650);
  const listLimit = positiveInteger(opts.limit, '--limit', 100000);
  return withContext(opts.config, async ({ store, loaded }) => {
    const now = new Date();
    const window = { days, since: new Date(now.getTime() - days * DAY_MS).toISOString(), until: now.toISOString() };
    return buildRoleReport(store, { ...grantRules(loaded.config), window, listLimit, now: now.toISOString() });
  });
}

const minute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

function grantsText(r: GrantRuleReport): string {
  const parts: string[] = [];
  if (r.kind === 'department-groups') parts.push(`one group per department${r.grants.groups.length ? ` (held now: ${r.grants.groups.join(', ')})` : ''}`);
  else if (r.grants.groups.length) parts.push(`groups ${r.grants.groups.join(', ')}`);
  for (const [target, groups] of Object.entries(r.grants.targets)) parts.push(groups.length ? `${target} account (${groups.join(', ')})` : `${target} account`);
  return parts.join('; ') || 'nothing of its own';
}

function printChanges(o: Output, label: string, list: ChangeList | null, days: number): void {
  if (!list) return o.out(`  ${label}: not recorded in the audit trail (membership through nesting)`);
  const shown = list.people.length < list.count ? `, latest ${list.people.length} shown` : '';
  o.out(`  ${label}: ${list.count} in the last ${days} days${shown}`);
  const rows = list.people.map((c) => [minute(c.time), c.username ?? c.identityId, c.action, c.entitlements.join(', ')]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
  for (const r of rows) o.out(`    ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')}`);
}

function printRule(o: Output, r: GrantRuleReport, days: number): void {
  o.out('');
  o.out(`${r.name} (${r.kind})${r.description ? `: ${r.description}` : ''}`);
  o.out(`  condition: ${r.condition ?? '(none: held only through the roles that include it)'}`);
  if (r.include.length) o.out(`  includes: ${r.include.join(', ')}`);
  if (r.includedBy.length) o.out(`  included by: ${r.includedBy.join(', ')}`);
  o.out(`  grants: ${grantsText(r)}`);
  o.out(`  members: ${r.members} active`);
  printChanges(o, 'gained', r.gained, days);
  printChanges(o, 'lost', r.lost, days);
}

const countOf = (list: ChangeList | null): string => (list ? String(list.count) : '-');

function printReport(o: Output, r: RoleReport): void {
  o.out(`Access rules from ${minute(r.window.since)} to ${minute(r.window.until)} UTC (${r.window.days} days): ${r.activePeople} active people.`);
  printTable(
    o,
    ['RULE', 'KIND', 'MEMBERS', 'GAINED', 'LOST', 'CONDITION'],
    r.rules.map((x) => [x.name, x.kind, String(x.members), countOf(x.gained), countOf(x.lost), x.condition ?? '(through include)']),
  );
  for (const rule of r.rules) printRule(o, rule, r.window.days);
  o.out('');
  o.out(r.unmatched.length ? `Roles matching nobody: ${r.unmatched.join(', ')}.` : 'Every role matches someone.');
}

export function registerRoleCommands(program: Command, o: Output): void {
  const roles = program.command('roles').description('the role rules of the configuration');
  roles
    .command('report')
    .description('every role and other access rule: condition, members, what it grants, who gained or lost it lately, roles matching nobody')
    .requiredOption('--config <file>', 'configuration file')
    .option('--json', 'print JSON (shape in the README)')
    .option('--days <n>', 'how far back gained and lost look', '90')
    .option('--limit <n>', 'people listed per rule for gained and for lost (the counts are complete)', '20')
    .action(async (opts: ReportOptions) => {
      const r = await report(opts);
      if (opts.json) printJson(o, r);
      else printReport(o, r);
    });
}
