/**
 * Where a V8 heap snapshot's memory is: the snapshot's nodes in a breadth-first tree from the root over
 * strong edges (each object under the first path that reaches it), printed top-down with each subtree's
 * size, down to subtrees of `--min` MB. ArrayBuffer contents are in it (V8 lists each backing store as a
 * node of its byte length). With two snapshots, prints the paths whose size changed most between them.
 *
 *   node scripts/heap-tree.ts Heap.1.heapsnapshot [--min 1] [--depth 14]
 *   node scripts/heap-tree.ts before.heapsnapshot after.heapsnapshot [--min 0.5]
 *
 * A breadth-first tree is not the dominator tree (an object reached by two owners counts under the nearer
 * one), but it is cheap at 100+ MB snapshots and names the owners that matter.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Tree {
  labels: string[];
  parent: Int32Array;
  size: Float64Array;
  children: number[][];
}

function load(file: string): Tree {
  const s = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const NF = nf.length;
  const EF = ef.length;
  const [fType, fName, fSelf, fEdges] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f)) as [number, number, number];
  const nodeTypes = s.snapshot.meta.node_types[0];
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const weak = edgeTypes.indexOf("weak");
  const n = s.nodes.length / NF;
  const firstEdge = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) firstEdge[i + 1] = (firstEdge[i] as number) + (s.nodes[i * NF + fEdges] as number) * EF;
  const parent = new Int32Array(n).fill(-1);
  const via = new Array<string>(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parent[0] = 0;
  while (head < tail) {
    const at = queue[head++] as number;
    for (let e = firstEdge[at] as number; e < (firstEdge[at + 1] as number); e += EF) {
      const type = s.edges[e + eType] as number;
      if (type === weak) continue;
      const to = (s.edges[e + eTo] as number) / NF;
      if (parent[to] !== -1) continue;
      parent[to] = at;
      const name = s.edges[e + eName] as number;
      const edgeType = edgeTypes[type] ?? "?";
      via[to] = edgeType === "element" || edgeType === "hidden" ? `[${name}]` : (s.strings[name] ?? "?");
      queue[tail++] = to;
    }
  }
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) size[i] = s.nodes[i * NF + fSelf] as number;
  // Children before parents in BFS order: add each subtree into its parent walking the queue backwards.
  for (let q = tail - 1; q > 0; q--) {
    const i = queue[q] as number;
    size[parent[i] as number] = (size[parent[i] as number] as number) + (size[i] as number);
  }
  const labels = new Array<string>(n);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let q = 1; q < tail; q++) {
    const i = queue[q] as number;
    const type = nodeTypes[s.nodes[i * NF + fType] as number] ?? "?";
    const name = (s.strings[s.nodes[i * NF + fName] as number] ?? "").slice(0, 60).replace(/\s+/g, " ");
    labels[i] = `${via[i]} → ${type === "object" || type === "native" ? name : `(${type}) ${name}`}`;
    children[parent[i] as number]?.push(i);
  }
  labels[0] = "(root)";
  return { labels, parent, size, children };
}

/** Path → subtree size for every subtree of at least `min` bytes, down to `depth`. */
function paths(t: Tree, min: number, depth: number): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (i: number, path: string, d: number) => {
    out.set(path, (out.get(path) ?? 0) + (t.size[i] as number));
    if (d >= depth) return;
    for (const c of t.children[i] ?? []) if ((t.size[c] as number) >= min) walk(c, `${path} / ${t.labels[c]}`, d + 1);
  };
  walk(0, "(root)", 0);
  return out;
}

const mb = (b: number) => (b / 1048576).toFixed(1);

function printTree(t: Tree, min: number, depth: number): void {
  const walk = (i: number, d: number) => {
    console.log(`${"  ".repeat(d)}${mb(t.size[i] as number)} MB  ${t.labels[i]}`);
    if (d >= depth) return;
    const kids = (t.children[i] ?? []).filter((c) => (t.size[c] as number) >= min).sort((a, b) => (t.size[b] as number) - (t.size[a] as number));
    for (const c of kids) walk(c, d + 1);
  };
  walk(0, 0);
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { min: { type: "string", default: "1" }, depth: { type: "string", default: "14" } } });
const min = Number(values.min) * 1048576;
const depth = Number(values.depth);
if (positionals.length === 1) {
  printTree(load(positionals[0] as string), min, depth);
} else if (positionals.length === 2) {
  const [a, b] = positionals.map((f) => paths(load(f), min, depth)) as [Map<string, number>, Map<string, number>];
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys].map((k) => ({ k, before: a.get(k) ?? 0, after: b.get(k) ?? 0 })).filter((r) => Math.abs(r.after - r.before) >= min);
  rows.sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before));
  for (const r of rows.slice(0, 60)) console.log(`${mb(r.before)} → ${mb(r.after)} MB  ${r.k}`);
} else {
  console.error("usage: node scripts/heap-tree.ts <snapshot> [<later snapshot>] [--min MB] [--depth N]");
  process.exit(2);
}
