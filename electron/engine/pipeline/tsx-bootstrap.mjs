// Development and tests only: runs a TypeScript worker module through tsx. Node 20 does not
// carry --import loaders into worker threads, so the worker registers tsx itself.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.tsEntry);
