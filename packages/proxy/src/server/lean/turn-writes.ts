// Writes to the lean path's sockets are held (corked) until the event loop has handled every socket that was ready,
// then sent together (uncorked from one setImmediate, right after the poll phase).
//
// Why: on a busy proxy the requests of one loop turn otherwise go to the targets, and the answers to the clients, one
// write at a time, spread over the turn. Each write finds its reader asleep and wakes it (a cross-CPU wake-up, costly
// in a VM), which then handles that one request and sleeps again. Sent in one burst, the first write wakes the reader
// and the rest find it running: the target and the clients handle the turn's requests together. Measured on the
// proxy bench's machine (bench/README.md): +10–15% requests per second on all cores, and less CPU per request in
// the load generator and the target as well as in the proxy. The delay is the rest of the current turn: at low load a
// turn handles one event, so it is nothing.
//
// One set per process, like the event loop it follows.
import type { Writable } from "node:stream";

const held: Writable[] = [];
const afterwards: (() => void)[] = [];
let scheduled = false;

/** Hold `stream`'s writes until the end of this event-loop turn (no effect when it is already corked). */
export function holdWritesForTurn(stream: Writable): void {
  if (stream.writableCorked > 0) return;
  stream.cork();
  held.push(stream);
  schedule();
}

/** Run `callback` once this turn's held writes (including any made later in the turn) have been sent. */
export function whenHeldWritesSent(callback: () => void): void {
  afterwards.push(callback);
  schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(releaseHeldWrites);
}

/** Send what every held stream buffered so far, now (a drain that is waiting for the answers in them). */
export function sendHeldWrites(): void {
  const streams = held.splice(0);
  for (const stream of streams) stream.uncork();
}

/** The end of the turn: send what every held stream buffered (end() and destroy() in the meantime are harmless). */
function releaseHeldWrites(): void {
  scheduled = false;
  sendHeldWrites();
  const callbacks = afterwards.splice(0);
  for (const callback of callbacks) callback();
}
