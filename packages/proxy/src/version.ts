// The proxy's version: the kamal-proxy release whose behaviour it matches (kept equal to package.json's version).
export const VERSION = "0.9.2";
