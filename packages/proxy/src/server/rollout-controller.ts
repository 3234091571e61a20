// Rollout controller: routes a request to the rollout targets by its kamal-rollout cookie (allowlist or FNV-32a %).
import { ROLLOUT_COOKIE_NAME } from "../defaults.js";
import { getCookie } from "./cookies.js";

/** The state-file shape (kamal-proxy's RolloutController JSON). */
export interface RolloutControllerJson {
  percentage: number;
  percentage_split_point: number;
  allowlist: string[] | null;
}

/** Decides, per kamal-rollout cookie value, whether a request goes to the rollout group. */
export class RolloutController {
  readonly percentage: number;
  readonly allowlist: readonly string[];
  private readonly splitPoint: number;

  constructor(percentage: number, allowlist: readonly string[]) {
    this.percentage = percentage;
    this.allowlist = allowlist;
    this.splitPoint = 0xffffffff * (percentage / 100);
  }

  /** True when the request's cookie is allowlisted or hashes under the percentage split point. */
  usesRollout(cookieHeader: string | string[] | undefined): boolean {
    const value = getCookie(cookieHeader, ROLLOUT_COOKIE_NAME);
    if (!value) return false;
    if (this.allowlist.includes(value)) return true;
    if (this.percentage <= 0) return false;
    return fnv32a(value) <= this.splitPoint;
  }

  toJSON(): RolloutControllerJson {
    return {
      percentage: this.percentage,
      percentage_split_point: this.splitPoint,
      allowlist: this.allowlist.length > 0 ? [...this.allowlist] : null,
    };
  }

  /** Restore from the state file (null means no split). */
  static fromJSON(json: Partial<RolloutControllerJson> | null | undefined): RolloutController | undefined {
    if (!json) return undefined;
    return new RolloutController(json.percentage ?? 0, json.allowlist ?? []);
  }
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
