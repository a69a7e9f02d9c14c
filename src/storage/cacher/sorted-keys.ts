// A sorted set of strings kept in chunks, so that inserting or removing one key moves at
// most a chunk's worth of entries (a flat array would move up to 100,000 on every create)
// while range scans stay as fast as walking an array. Keys compare by UTF-16 code units;
// storage keys are ASCII (names, namespaces, resource paths), where that is byte order.

const MAX_CHUNK = 512;

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `key`; returns false when it was already there. */
  add(key: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return true;
    }
    const ci = this.chunkFor(key);
    const chunk = this.chunks[ci]!;
    const i = lowerBound(chunk, key);
    if (chunk[i] === key) return false;
    chunk.splice(i, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(ci + 1, 0, chunk.splice(MAX_CHUNK >> 1));
    return true;
  }

  /** Removes `key`; returns false when it was not there. */
  delete(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const ci = this.chunkFor(key);
    const chunk = this.chunks[ci]!;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }

  /** Replaces the contents with `keys`, which must be sorted and unique (a bulk load). */
  load(keys: string[]): void {
    this.chunks = [];
    for (let i = 0; i < keys.length; i += MAX_CHUNK >> 1) this.chunks.push(keys.slice(i, i + (MAX_CHUNK >> 1)));
    this.count = keys.length;
  }

  /** Keys ≥ `from` in order, for as long as the caller keeps iterating. */
  *from(from: string): IterableIterator<string> {
    if (this.chunks.length === 0) return;
    let ci = this.chunkFor(from);
    let i = lowerBound(this.chunks[ci]!, from);
    for (; ci < this.chunks.length; ci++, i = 0) {
      const chunk = this.chunks[ci]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** How many keys lie in [from, to). */
  countRange(from: string, to: string): number {
    return this.rank(to) - this.rank(from);
  }

  /** Number of keys < `key`. */
  private rank(key: string): number {
    if (this.chunks.length === 0) return 0;
    const ci = this.chunkFor(key);
    let n = 0;
    for (let c = 0; c < ci; c++) n += this.chunks[c]!.length;
    return n + lowerBound(this.chunks[ci]!, key);
  }

  /** The chunk whose range holds `key`: the last one whose first key is ≤ key (or the first). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]![0]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function lowerBound(a: string[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
