// The entry point of a worker process (forked by the primary with its settings in the environment).
import { WORKER_SETTINGS_ENV, type WorkerSettings } from "./messages.js";
import { runWorker } from "./worker.js";

runWorker(JSON.parse(process.env[WORKER_SETTINGS_ENV] ?? "{}") as WorkerSettings);
