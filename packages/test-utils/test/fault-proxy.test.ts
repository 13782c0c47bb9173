/**
 * The fault proxy against a real echo server on loopback: each mode does to a client what the
 * fault it stands for would.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/fault-proxy.ts';

/** Connects, sends `text`, and resolves with what came back, or with the error's code. */
function exchange(port: number, text: string, waitMs = 300): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket: Socket = createConnection(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received === '' ? 'silence' : received);
    }, waitMs);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (data) => {
      received += data;
      if (received.length >= text.length) {
        clearTimeout(timer);
        socket.end();
        resolve(received);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? 'error');
    });
  });
}

describe('fault proxy', () => {
  let echo: Server;
  let proxy: FaultProxy;

  beforeAll(async () => {
    echo = createServer((socket) => {
      socket.on('error', () => {}); // the proxy resets it on purpose
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('passes bytes both ways', async () => {
    expect(await exchange(proxy.port, 'hello')).toBe('hello');
  });

  it('refuses connections, then listens again on the same port', async () => {
    await proxy.set('refuse');
    expect(await exchange(proxy.port, 'x')).toBe('ECONNREFUSED');
    await proxy.set('pass');
    expect(await exchange(proxy.port, 'back')).toBe('back');
  });

  it('resets new connections', async () => {
    await proxy.set('reset');
    expect(await exchange(proxy.port, 'x')).toBe('ECONNRESET');
    await proxy.set('pass');
  });

  it('resets open connections when switched to reset', async () => {
    const socket = createConnection(proxy.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<string>((resolve) =>
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? '')),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.set('reset');
    expect(await closed).toBe('ECONNRESET');
    await proxy.set('pass');
  });

  it('answers nothing in a blackhole, and delivers what was held once traffic flows', async () => {
    await proxy.set('blackhole');
    expect(await exchange(proxy.port, 'lost?', 300)).toBe('silence');
    const held = exchange(proxy.port, 'held', 2000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await proxy.set('pass');
    expect(await held).toBe('held');
  });

  it('delays every chunk', async () => {
    await proxy.set('delay', { delayMs: 150 });
    const started = performance.now();
    expect(await exchange(proxy.port, 'slow', 2000)).toBe('slow');
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    await proxy.set('pass');
  });
});
