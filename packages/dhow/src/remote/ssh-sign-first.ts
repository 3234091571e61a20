/**
 * @module
 * Public-key authentication in one round trip instead of two. ssh2 first asks the server whether it would accept
 * a key (a USERAUTH_REQUEST without a signature), waits for PK_OK, and only then sends the signed request; with
 * the private key at hand OpenSSH sends the signed request at once (RFC 4252 §7 allows both), which saves one
 * round trip per connection (0.1 s per host at 100 ms). ssh2 has no option for it, hence this: it wraps the
 * `authPK` of one connection's protocol object so that a request for a key whose private half dhow holds is sent
 * signed. Agent keys (only the public half here) keep ssh2's check first. A server that refuses the key answers
 * USERAUTH_FAILURE either way, and ssh2 goes on with the next key or signature algorithm as before.
 */
import type { Client, ParsedKey } from "ssh2";

type Sign = (data: Buffer, done: (signature: Buffer) => void) => void;
type AuthPk = (username: string, key: unknown, keyAlgo?: string | Sign, sign?: Sign) => void;

/** The hash ssh2 signs with for a key algorithm (its `getKeyAlgos`): RSA's names it, other keys need none. */
const RSA_HASHES: Readonly<Record<string, string>> = {
  "rsa-sha2-256": "sha256",
  "rsa-sha2-512": "sha512",
  "ssh-rsa": "sha1",
};

/**
 * Makes `client`'s current connection send signed public-key requests. Call it right after `client.connect()`
 * (which creates the protocol object). Returns false, changing nothing, when ssh2's internals are not as expected
 * (another ssh2 version): authentication then takes ssh2's usual two round trips.
 */
export function signPublicKeyRequestsFirst(client: Client): boolean {
  const protocol = (client as unknown as { _protocol?: { authPK?: AuthPk } })._protocol;
  const original = protocol?.authPK;
  if (!protocol || typeof original !== "function") return false;
  protocol.authPK = function authPK(this: unknown, username, key, keyAlgo, sign) {
    if (sign === undefined && typeof keyAlgo !== "function" && isPrivateKey(key)) {
      const hash = RSA_HASHES[keyAlgo ?? ""];
      return original.call(this, username, key, keyAlgo, (data, done) => {
        const signature = key.sign(data, hash);
        // ssh2 would report a key that cannot sign when PK_OK came back; here the unsigned check goes instead.
        if (signature instanceof Error) return original.call(this, username, key, keyAlgo);
        done(signature);
      });
    }
    return original.call(this, username, key, keyAlgo, sign);
  };
  return true;
}

function isPrivateKey(key: unknown): key is ParsedKey {
  return (
    typeof key === "object" &&
    key !== null &&
    typeof (key as ParsedKey).isPrivateKey === "function" &&
    (key as ParsedKey).isPrivateKey() &&
    typeof (key as ParsedKey).sign === "function"
  );
}
