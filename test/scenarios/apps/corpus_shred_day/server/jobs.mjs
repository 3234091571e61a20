// Stand-in for `bin/jobs` (the job role's cmd): every second, checks the database accessory and logs it.
import { askDb } from "./web.mjs";

let running = true;
process.on("SIGTERM", () => {
  running = false;
});
while (running) {
  try {
    console.log(`job: db ok: ${await askDb()}`);
  } catch (error) {
    console.log(`job: db unreachable: ${error.message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
