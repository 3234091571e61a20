// The workers role (`cmd: node worker.js`): takes visits off the Redis queue and counts them, and records a
// heartbeat tick, so the page shows work really done by another container (on another server).
import os from "node:os";
import { connect, redisFromEnv } from "./redis.js";

const NAME = process.env.KAMAL_HOST ? `${process.env.KAMAL_HOST}/${process.env.KAMAL_VERSION?.slice(0, 12)}` : os.hostname();
const BLOCK_SECONDS = 1;
let stopping = false;

process.on("SIGTERM", () => {
  console.log("SIGTERM: finishing the current item");
  stopping = true;
});

async function work() {
  const redis = await connect({ ...redisFromEnv(), timeoutMs: (BLOCK_SECONDS + 5) * 1000 });
  console.log(`worker ${NAME} connected to redis`);
  try {
    while (!stopping) {
      const item = await redis.command("BRPOP", "hello:queue", BLOCK_SECONDS);
      if (item) {
        await redis.command("INCR", "hello:visits");
        console.log(`counted visit ${item[1]}`);
      }
      await redis.command("INCR", "hello:ticks");
      await redis.command("HSET", "hello:workers", NAME, new Date().toISOString());
    }
  } finally {
    redis.close();
  }
}

while (!stopping) {
  try {
    await work();
  } catch (error) {
    console.log(`worker: ${error.message}; retrying in 1s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
process.exit(0);
