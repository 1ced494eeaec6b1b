// A TCP proxy in front of a server that, once the server has sent `afterBytes`, calls `onCut`
// (e.g. stops the server) and drops both sides: a peer that dies in the middle of an answer.
import { createServer, connect, type Socket } from 'node:net';

export interface CuttingProxy {
  port: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number, afterBytes: number, onCut: () => Promise<void> = async () => {}): Promise<CuttingProxy> {
  let fromServer = 0;
  let cut = false;
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.push(client, upstream);
    client.pipe(upstream);
    upstream.on('data', (d: Buffer) => {
      fromServer += d.length;
      client.write(d);
      if (fromServer > afterBytes && !cut) {
        cut = true;
        void onCut().finally(() => sockets.forEach((s) => s.destroy()));
      }
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
