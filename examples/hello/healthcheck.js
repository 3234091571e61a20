// The workers' Docker health check (`health-cmd: node healthcheck.js` in config/deploy.yml): exits 0 when the
// worker in this container answers /up with 200. Node rather than wget or curl, so it works in any Node image.
const port = Number(process.env.WORKER_PORT ?? 3001);
try {
  const res = await fetch(`http://127.0.0.1:${port}/up`, { signal: AbortSignal.timeout(2000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
