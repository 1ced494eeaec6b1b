// Liveness and readiness, as a service manager or a load balancer asks: live means the process and
// its event loop answer HTTP; ready means every critical part (store, Redis, LDAP listeners) works,
// with sources and targets reported beside it (see observability/readiness.ts).
import type { FastifyInstance } from 'fastify';
import type { ReadinessReport } from '../observability/readiness';

const startedAt = Date.now();

export function healthRoutes(app: FastifyInstance, ready?: () => Promise<ReadinessReport>): void {
  app.get('/v1/health/live', async () => ({ ok: true, pid: process.pid, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
  app.get('/v1/health/ready', async (_req, reply) => {
    if (!ready) return reply.code(501).send({ error: 'readiness checks are not wired into this server' });
    const report = await ready();
    return reply.code(report.ok ? 200 : 503).send(report);
  });
}
