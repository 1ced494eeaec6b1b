// Import boundaries, checked by `npm run deps` (part of `npm test`). Three rules, each a promise the
// layout makes to whoever adds code: see ARCHITECTURE.md for the layers they protect.
const ADAPTERS = [
  '^src/(storage|queue|redis|ldap|connectors|admin|inbound|cli|app|observability|cron|change-feed)/',
  '^src/main\\.ts$',
  // packages that talk to the outside world
  '(^|/)node_modules/(ioredis|bullmq|node-cron|mongoose|mongodb|better-sqlite3|fastify|pino|winston|winston-syslog|ldapts|@ldapjs)/',
];

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Domain rules are pure functions of their inputs: src/domain imports only src/domain (and Node built-ins).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^node:', '^(crypto|util)$'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'services-use-ports',
      comment: 'Services depend on ports (src/ports), never on an adapter: the composition root (src/app) picks the adapters.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: ADAPTERS },
    },
    {
      name: 'listeners-stay-apart',
      comment: 'The admin API faces staff, the inbound listener faces vendors: neither reaches into the other, so a route never ends up on the wrong one.',
      severity: 'error',
      from: { path: '^src/(admin|inbound)/' },
      to: { path: '^src/(admin|inbound)/', pathNot: '^src/$1/' },
    },
    {
      name: 'no-cycles',
      comment: 'A runtime import cycle makes load order matter and hides which module owns what (type-only imports vanish at compile time).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
