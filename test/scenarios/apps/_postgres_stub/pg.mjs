import net from "node:net";

const server = net.createServer((socket) => {
  socket.end(`postgres-stub user=${process.env.POSTGRES_USER} db=${process.env.POSTGRES_DB} password=${process.env.POSTGRES_PASSWORD ? "set" : "missing"}\n`);
});
server.listen(5432, () => console.log("postgres stand-in listening on 5432"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
