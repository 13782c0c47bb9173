#!/usr/bin/env node
// First, before any other code loads: see @keyward/server's hold-tick-shape.js.
import '@keyward/server/hold-tick-shape';
// Runs the TypeScript sources directly through tsx's loader: no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
