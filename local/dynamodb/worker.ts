// dynalite on a thread of its own (see index.ts): listens on an ephemeral loopback port, says which, and closes its
// database when told.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

interface DynaliteOptions {
  readonly path?: string;
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

const port = parentPort;
if (!port) throw new Error('local/dynamodb/worker.ts runs as a worker thread');

// Below the endpoint's priority, as the handlers' thread is (on Linux the nice value is per thread): its heaviest work
// is the read pipeline's counters, which wait for their turn as the pipeline does.
try {
  setPriority(0, 10);
} catch {
  // Not permitted here: the thread keeps the process's priority.
}

const server = dynalite(workerData as DynaliteOptions);
server.listen(0, '127.0.0.1', () => port.postMessage({ port: (server.address() as AddressInfo).port }));

port.on('message', (message: { close?: boolean }) => {
  if (!message.close) return;
  server.closeAllConnections();
  server.close((error) => {
    port.postMessage({ closed: true, ...(error ? { error: error.message } : {}) });
    port.close();
  });
});
