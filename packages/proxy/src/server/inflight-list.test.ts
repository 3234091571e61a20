import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { type InflightLinks, InflightList } from "./inflight-list.js";

interface Item extends InflightLinks {
  id: number;
  payload?: number[];
}

function item(id: number, payload?: number[]): Item {
  return { id, payload, inflightPrev: undefined, inflightNext: undefined, inflightList: undefined };
}

const ids = (list: InflightList<Item>) => list.toArray().map((i) => i.id);

/** A list holding items 1..count (added in that order), and the items. */
function filled(count: number): { list: InflightList<Item>; items: Item[] } {
  const list = new InflightList<Item>();
  const items = Array.from({ length: count }, (_, i) => item(i + 1));
  for (const i of items) list.add(i);
  return { list, items };
}

describe("InflightList", () => {
  it("adds, counts and lists its items, newest first", () => {
    const { list } = filled(3);
    expect(list.size).toBe(3);
    expect(ids(list)).toEqual([3, 2, 1]);
  });

  it("removes the head, a middle item and the tail", () => {
    for (const [remove, left] of [
      [3, [2, 1]],
      [2, [3, 1]],
      [1, [3, 2]],
    ] as const) {
      const { list, items } = filled(3);
      expect(list.delete(items[remove - 1]!)).toBe(true);
      expect(ids(list)).toEqual(left);
      expect(list.size).toBe(2);
    }
  });

  it("clears a removed item's links, so nothing in the list points at a finished request", () => {
    const { list, items } = filled(3);
    const [a, b, c] = items as [Item, Item, Item];
    list.delete(b);
    expect([b.inflightPrev, b.inflightNext, b.inflightList]).toEqual([undefined, undefined, undefined]);
    expect(a.inflightPrev).toBe(c);
    expect(c.inflightNext).toBe(a);
    list.delete(a);
    list.delete(c);
    expect(list.size).toBe(0);
    expect(ids(list)).toEqual([]);
  });

  it("answers false for items it does not hold (never added, removed already, in another list)", () => {
    const list = new InflightList<Item>();
    const other = new InflightList<Item>();
    const [a, b] = [item(1), item(2)];
    other.add(b);
    expect(list.delete(a)).toBe(false);
    list.add(a);
    expect(list.delete(a)).toBe(true);
    expect(list.delete(a)).toBe(false);
    expect(list.delete(b)).toBe(false);
    expect(other.size).toBe(1);
    expect(list.size).toBe(0);
  });

  it("lets items be removed while going through a copy (drain cancels each request)", () => {
    const { list } = filled(4);
    for (const i of list.toArray()) list.delete(i);
    expect(list.size).toBe(0);
  });

  it("lets the young-generation GC free finished requests after a full GC moved the list to the old generation", () => {
    // What a Set did here (see inflight-list.ts): after one full GC, each request that passed through it survived
    // the scavenges and was promoted; with this harness a Set of the same churn grows the old generation by ~15 MB.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as (options?: { type: "major" | "minor" }) => void;
    const list = new InflightList<Item>();
    const longLived = item(0);
    list.add(longLived); // a request that stays in flight throughout, like a WebSocket
    gc({ type: "major" });
    gc({ type: "major" });
    const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "old_space")!.space_used_size;
    const before = oldSpace();
    for (let round = 0; round < 400; round++) {
      const batch: Item[] = [];
      for (let i = 0; i < 32; i++) batch.push(item(i, new Array<number>(128).fill(round)));
      for (const i of batch) list.add(i);
      for (const i of batch) list.delete(i);
      if (round % 20 === 19) gc({ type: "minor" });
    }
    gc({ type: "minor" });
    const grown = oldSpace() - before;
    expect(list.size).toBe(1);
    // 400 × 32 requests of ~1.1 KiB each passed through: ~14 MB. A few hundred KiB of promotion is the test's own.
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  });
});
