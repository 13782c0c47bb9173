/**
 * @module Fault proxy
 *
 * A TCP proxy to put between a Keyward node and PostgreSQL or Redis, so a test can make the
 * network fail in the ways a real one does, without touching the shared servers:
 *
 * - `pass`: bytes flow both ways.
 * - `refuse`: the port stops listening (connects get ECONNREFUSED) and open connections are
 *   reset: the server is down.
 * - `reset`: open connections are reset and new ones are reset as soon as they are accepted:
 *   the server is restarting.
 * - `blackhole`: nothing answers. Open connections stay open but carry nothing; new ones are
 *   accepted (the kernel does that) and go nowhere. Whatever was sent meanwhile is delivered
 *   when the mode changes back, as TCP's retransmissions would.
 * - `delay`: every chunk is held `delayMs` in each direction: the server or network is slow.
 */
import { createServer, type Server, Socket } from 'node:net';

/** How the proxy treats traffic. */
export type FaultMode = 'pass' | 'refuse' | 'reset' | 'blackhole' | 'delay';

/** A running proxy; see the module doc for the modes. */
export interface FaultProxy {
  /** The port the proxy listens on, on 127.0.0.1. */
  readonly port: number;
  readonly mode: FaultMode;
  /** Switches the mode; `delayMs` sets the delay of `delay` (default 200 ms). */
  set(mode: FaultMode, options?: { delayMs?: number }): Promise<void>;
  /** Closes the proxy and every connection through it. */
  close(): Promise<void>;
}

/** One accepted connection and, once made, its connection to the target. */
interface Link {
  client: Socket;
  upstream: Socket | null;
}

/**
 * Starts a proxy on a free port of 127.0.0.1 forwarding to `target`, in `pass` mode.
 *
 * @example
 * const proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 });
 * const url = `postgres://postgres@127.0.0.1:${proxy.port}/db`;
 * await proxy.set('blackhole');
 */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let delayMs = 200;
  const links = new Set<Link>();
  /** Connections accepted while blackholed, connected upstream when traffic flows again. */
  const waiting = new Set<Link>();

  const drop = (link: Link) => {
    links.delete(link);
    waiting.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  };
  const reset = (link: Link) => {
    links.delete(link);
    waiting.delete(link);
    link.client.resetAndDestroy();
    link.upstream?.resetAndDestroy();
  };

  /** Copies `from` to `to`, through the delay when one is set; order is kept. */
  const pipe = (from: Socket, to: Socket) => {
    let queued = 0;
    from.on('data', (chunk) => {
      if (mode !== 'delay' && queued === 0) {
        to.write(chunk);
        return;
      }
      queued++;
      setTimeout(() => {
        queued--;
        if (!to.destroyed) to.write(chunk);
      }, delayMs);
    });
  };

  const connectUpstream = (link: Link) => {
    const upstream = new Socket();
    link.upstream = upstream;
    upstream.on('error', () => drop(link));
    upstream.on('close', () => drop(link));
    upstream.connect(target.port, target.host);
    pipe(link.client, upstream);
    pipe(upstream, link.client);
    link.client.resume();
  };

  const accept = (client: Socket) => {
    const link: Link = { client, upstream: null };
    client.on('error', () => drop(link));
    client.on('close', () => drop(link));
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    links.add(link);
    client.pause();
    if (mode === 'blackhole') waiting.add(link);
    else connectUpstream(link);
  };

  let server: Server = createServer(accept);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const port = await listen(0);
  let listening = true;

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });

  return {
    port,
    get mode() {
      return mode;
    },
    async set(next, options = {}) {
      delayMs = options.delayMs ?? delayMs;
      const previous = mode;
      mode = next;
      if (next === 'refuse' || next === 'reset') {
        for (const link of [...links]) reset(link);
      }
      if (next === 'refuse') {
        await stopListening();
        return;
      }
      if (!listening) {
        server = createServer(accept);
        await listen(port);
        listening = true;
      }
      if (next === 'blackhole') {
        for (const link of links) {
          link.client.pause();
          link.upstream?.pause();
        }
        return;
      }
      if (previous === 'blackhole') {
        for (const link of links) {
          link.client.resume();
          link.upstream?.resume();
        }
        for (const link of [...waiting]) {
          waiting.delete(link);
          connectUpstream(link);
        }
      }
    },
    async close() {
      for (const link of [...links]) drop(link);
      await stopListening();
    },
  };
}
