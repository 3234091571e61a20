// Stand-in for the corpus app's Rails server (the config is real, the app is not): /up for the proxy,
// / with the version, /db proves DB_HOST (the `server-db` accessory) answers on the kamal network.
import http from "node:http";
import net from "node:net";

export function askDb(host = process.env.DB_HOST, port = 5432) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => {});
    let data = "";
    socket.setTimeout(3000, () => socket.destroy(new Error("timeout")));
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("end", () => resolve(data.trim()));
    socket.on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  if (req.url === "/up") return res.end("OK\n");
  if (req.url === "/db") {
    try {
      return res.end(`db ok: ${await askDb()}\n`);
    } catch (error) {
      res.statusCode = 503;
      return res.end(`db unreachable: ${error.message}\n`);
    }
  }
  res.end(`shred-day stand-in ${process.env.KAMAL_VERSION} master-key=${process.env.RAILS_MASTER_KEY ? "set" : "missing"}\n`);
});
if (process.argv[1]?.endsWith("web.mjs")) {
  server.listen(80);
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
