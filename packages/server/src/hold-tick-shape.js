/**
 * @module Hold the tick object's shape
 *
 * An opt-in for processes that serve Keyward: `import '@keyward/server/hold-tick-shape'` as the
 * very first import of the program, before anything else is loaded (the `keyward` command does;
 * an embedder of `createApp` may). It works around a behaviour of V8 11.3 (Node 20), measured
 * there and checked by `server/test/tick-shape.test.ts`, which is skipped on other V8 versions.
 *
 * Keeps one of the objects `process.nextTick` queues alive for the life of the process. Node's
 * HTTP server calls `nextTick` about six times per request, and V8 builds each tick object
 * inline only while the literal in `nextTick` has seen one hidden class per step. V8 holds
 * those classes weakly: in a process that loads as much code as this one, a garbage collection
 * at a moment with no tick queued collects them, the next tick makes them anew, and after a few
 * rounds of that the literal's caches give up (megamorphic) and every tick object from then on
 * is built property by property in the runtime: 12–17% of the instructions of a verify request
 * (docs/benchmarks.md › "The tick object"). One live tick object keeps its class, and the classes before
 * it, alive, so they are never made anew. It must run first, before the code that is loaded.
 */
import { executionAsyncResource } from 'node:async_hooks';

/** Held for the life of the process; never read. */
const held = [];
process.nextTick(() => {
  // Inside a tick callback, the "resource" of the current async context is the tick object.
  held.push(executionAsyncResource());
});
