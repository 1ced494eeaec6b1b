// The `hook:` section of okta, entra and bamboohr sources: strict, every problem named by its path,
// and `<secret>File` read by the config loader like every other secret.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader';
import { ConfigError } from '../../src/config/errors';

function load(sources: string[], noInbound = false): { problems: string[]; sources: any[] } {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-hookcfg-'));
  const inbound = noInbound ? [] : ['inbound: { listen: "tcp://127.0.0.1:8443" }'];
  writeFileSync(join(dir, 'hook.secret'), 'a-secret-from-a-file-0123456789\n');
  const file = join(dir, 'c.yaml');
  writeFileSync(file, ['store: { kind: memory }', ...inbound, 'sources:', ...sources.map((s) => `  - ${s}`)].join('\n'));
  try {
    return { problems: [], sources: loadConfig(file, { baseDir: dir, env: {} }).config.sources };
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems.map((p) => `${p.path}: ${p.message}`), sources: [] };
    throw err;
  }
}

const OKTA = 'name: okta, kind: okta, url: "https://example.okta.com", token: t';
const ENTRA = 'name: entra, kind: entra, tenantId: t, clientId: c, clientSecret: s';
const BAMBOO = 'name: bamboo, kind: bamboohr, url: "https://api.bamboohr.com/api/gateway.php/acme", apiKey: k';

describe('hook: on polled sources', () => {
  it('takes each kind\'s hook, defaults the Okta header to Authorization and reads secret files', () => {
    const { problems, sources } = load([
      `{ ${OKTA}, hook: { secretFile: hook.secret } }`,
      `{ ${ENTRA}, hook: { publicUrl: "https://idsync.example.com/hooks/entra", clientStateFile: hook.secret } }`,
      `{ ${BAMBOO}, hook: { privateKey: 0123456789abcdef0123 } }`,
    ]);
    expect(problems).toEqual([]);
    expect(sources[0].hook).toEqual({ header: 'Authorization', secret: 'a-secret-from-a-file-0123456789' });
    expect(sources[1].hook).toEqual({ publicUrl: 'https://idsync.example.com/hooks/entra', clientState: 'a-secret-from-a-file-0123456789' });
    expect(sources[2].hook).toEqual({ privateKey: '0123456789abcdef0123' });
  });

  it('names every bad hook field by its path', () => {
    const { problems } = load([
      `{ ${OKTA}, hook: { header: "Bad Header", extra: 1 } }`,
      `{ ${ENTRA}, hook: { publicUrl: "http://idsync.example.com/hooks/entra", clientState: short } }`,
      `{ ${BAMBOO}, hook: {} }`,
    ]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^sources\[0\]\.hook\.header: must be an HTTP header name/),
      expect.stringMatching(/^sources\[0\]\.hook: unknown key\(s\): extra/),
      expect.stringMatching(/^sources\[0\]\.hook\.secret: is required \(or secretFile\)/),
      expect.stringMatching(/^sources\[1\]\.hook\.publicUrl: must be an https URL/),
      expect.stringMatching(/^sources\[1\]\.hook\.clientState: must be at least 16 characters/),
      expect.stringMatching(/^sources\[2\]\.hook\.privateKey: is required \(or privateKeyFile\)/),
    ]));
  });

  it('needs the inbound listener that serves /hooks', () => {
    const { problems } = load([`{ ${BAMBOO}, hook: { privateKey: 0123456789abcdef0123 } }`], true);
    expect(problems).toEqual([expect.stringMatching(/^sources\[0\]\.hook: source "bamboo" has an event hook, served at \/hooks\/bamboo by the inbound listener: add an inbound: section/)]);
  });
});
