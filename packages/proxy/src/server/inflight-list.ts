// The requests in flight on one target, as a doubly linked list threaded through the requests themselves.
//
// Not a Set, on purpose. Once a Set's hash table is in V8's old generation (as it is in any proxy up for a while),
// every table that replaces it is allocated there too, and a table the Set outgrows still holds the requests that
// were in it. Until the next full GC, the young-generation GC treats those dead tables as roots: every request that
// was in such a table survives, is promoted, and keeps its whole exchange with it. Under load that was ~1.5 MB
// promoted per scavenge, a full GC every second or two and twice the p99 (bench/README.md, "What was tried").
// Unlinking clears a request's links, so nothing that outlives a request points at it.

/** The fields the list keeps on each request (initialise them to undefined). */
export interface InflightLinks {
  inflightPrev: InflightLinks | undefined;
  inflightNext: InflightLinks | undefined;
  /** The list the request is in (undefined when in none). */
  inflightList: InflightList<InflightLinks> | undefined;
}

export class InflightList<T extends InflightLinks> {
  private head: T | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(item: T): void {
    if (item.inflightList !== undefined) return;
    const head = this.head;
    item.inflightList = this as InflightList<InflightLinks>;
    item.inflightPrev = undefined;
    item.inflightNext = head;
    if (head !== undefined) head.inflightPrev = item;
    this.head = item;
    this.count++;
  }

  /** Remove an item; false when it was not in this list. */
  delete(item: T): boolean {
    if (item.inflightList !== (this as InflightList<InflightLinks>)) return false;
    const prev = item.inflightPrev;
    const next = item.inflightNext;
    if (prev === undefined) this.head = next as T | undefined;
    else prev.inflightNext = next;
    if (next !== undefined) next.inflightPrev = prev;
    item.inflightPrev = undefined;
    item.inflightNext = undefined;
    item.inflightList = undefined;
    this.count--;
    return true;
  }

  /** The items, newest first, as a copy (callers may delete while going through it). */
  toArray(): T[] {
    const items: T[] = [];
    for (let item = this.head; item !== undefined; item = item.inflightNext as T | undefined) items.push(item);
    return items;
  }
}
