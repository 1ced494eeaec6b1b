// Static console files (stylesheet, scripts) from src/console/assets, which `npm run build` copies
// to dist/src/console/assets beside the compiled code. Only plain names with a known type are served.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ASSETS } from './layout';

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
};

export const ASSET_DIR = join(__dirname, '..', 'assets');

export function assetRoutes(app: FastifyInstance, dir = ASSET_DIR): void {
  const cache = new Map<string, Buffer>();
  app.get(`${ASSETS}/:name`, async (req, reply) => {
    const { name } = req.params as { name: string };
    const m = /^[a-z0-9][a-z0-9._-]*\.([a-z0-9]+)$/.exec(name);
    const type = m ? TYPES[m[1]!] : undefined;
    if (!type || name.includes('..')) return reply.code(404).send({ error: `no console asset named ${name}` });
    let body = cache.get(name);
    if (!body) {
      body = await readFile(join(dir, name)).catch(() => undefined);
      if (!body) return reply.code(404).send({ error: `no console asset named ${name}` });
      cache.set(name, body);
    }
    return reply.type(type).header('cache-control', 'no-cache').send(body);
  });
}
