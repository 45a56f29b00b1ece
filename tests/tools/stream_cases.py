#!/usr/bin/env python3
"""stream_cases.py — hand-shaped update streams for the incremental CDLP and LCC repairs, and a measure of how far a batch's effect reached.

    stream_cases.py gen CASE [--undirected] [--seed S] PREFIX UPDATES
        Writes a starting graph as the dataset PREFIX (PREFIX.properties, .v, .e;
        unweighted) and a stream of update lines to UPDATES. CASE is
          chains   long sparse chains with a few cross links (labels travel many hops,
                   so one update changes CDLP labels far from its endpoints), and
                   updates that join, cut and re-route the chains;
          cliques  overlapping 5-cliques, some pairs linked both ways, and updates
                   that remove clique edges (breaking triangles), add chords and
                   edges to new vertices, remove clique members (`-v`), and link a
                   new hub to every clique vertex and then cut half of the links.

    stream_cases.py reach PREFIX N ALGO
        For k = 1..N: the vertices whose value differs between the results
        PREFIX-(k-1).ALGO and PREFIX-k.ALGO (recomputations, not the stream), and
        their hop distance, in the undirected view of the dataset PREFIX-k, from the
        vertices whose edges differ between the datasets PREFIX-(k-1) and PREFIX-k.
        Prints the largest such distance over all batches (0 if nothing changed but
        touched vertices), so a test can check that its stream makes a repair reach
        beyond the touched vertices.
"""
import argparse
import collections
import random


def write_dataset(prefix, vertices, edges, undirected):
    name = prefix.rsplit("/", 1)[-1]
    with open(prefix + ".v", "w") as f:
        for x in sorted(vertices):
            f.write("%d\n" % x)
    with open(prefix + ".e", "w") as f:
        for u, v in edges:
            f.write("%d %d\n" % (u, v))
    with open(prefix + ".properties", "w") as f:
        f.write("graph.%s.vertex-file = %s.v\n" % (name, name))
        f.write("graph.%s.edge-file = %s.e\n" % (name, name))
        f.write("graph.%s.directed = %s\n" % (name, "false" if undirected else "true"))


def chains(rng):
    """Three chains of 40 vertices, each vertex linked to the next and sometimes to
    the one after; a few links between chains; updates that change the chains' ends."""
    vertices, edges = set(), []
    for c in range(3):
        ids = [100 * (c + 1) + i for i in range(40)]
        vertices.update(ids)
        for i in range(len(ids) - 1):
            edges.append((ids[i], ids[i + 1]))
            if rng.random() < 0.3 and i + 2 < len(ids):
                edges.append((ids[i + 2], ids[i]))
    edges += [(120, 220), (339, 101)]
    updates = [
        "+ 100 200", "+ 139 300", "- 120 220", "+ 105 205", "+ 5 100", "+ 5 139",
        "- 100 101", "+v 7", "+ 7 239", "+ 7 238", "- 339 101", "-v 110",
        "+ 110 111", "+ 200 100", "- 200 100", "+ 339 339", "-v 5", "+ 120 220",
    ]
    return vertices, edges, updates


def cliques(rng):
    """Eight 5-cliques, clique k on 4k+1 .. 4k+5 (neighbours share a vertex); a
    random third of the pairs linked both ways; updates that break and make triangles."""
    vertices, edges = set(), []
    for k in range(8):
        ids = list(range(4 * k + 1, 4 * k + 6))
        vertices.update(ids)
        for i in ids:
            for j in ids:
                if i < j:
                    edges.append((i, j) if rng.random() < 0.5 else (j, i))
                    if rng.random() < 0.33:
                        edges.append(edges[-1][::-1])
    for _ in range(10):
        edges.append((rng.randint(1, 33), rng.randint(1, 33)))
    present = [e for e in edges if e[0] != e[1]]
    updates = []
    for _ in range(14):
        u, v = rng.choice(present)
        updates.append("- %d %d" % (u, v))
        if rng.random() < 0.5:
            updates.append("+ %d %d" % (rng.randint(1, 33), rng.randint(1, 33)))
    updates += ["-v 5", "+ 50 1", "+ 50 2", "+ 2 50", "+ 50 3", "-v 13", "+ 13 14", "+ 13 15", "+ 14 15",
                "- 14 15", "-v 50", "+ 9 17", "+ 17 9"]
    # A new hub linked to every clique vertex, then cut off from half of them: in a
    # large batch it has more changed edges than a touched vertex lists.
    updates += ["+ 60 %d" % x for x in range(1, 34)] + ["- 60 %d" % x for x in range(1, 34, 2)]
    return vertices, edges, updates


def gen(args):
    rng = random.Random(args.seed)
    vertices, edges, updates = {"chains": chains, "cliques": cliques}[args.case](rng)
    write_dataset(args.prefix, vertices, edges, args.undirected)
    with open(args.updates, "w") as f:
        for line in updates:
            f.write(line + "\n")


def read_graph(prefix):
    """The dataset's vertices and its undirected adjacency as a multiset per vertex."""
    with open(prefix + ".v") as f:
        vertices = {int(line) for line in f if line.strip()}
    adjacency = collections.defaultdict(collections.Counter)
    with open(prefix + ".e") as f:
        for line in f:
            fields = line.split()
            if fields:
                u, v = int(fields[0]), int(fields[1])
                adjacency[u][v] += 1
                adjacency[v][u] += 1
    return vertices, adjacency


def read_result(path):
    with open(path) as f:
        return dict(line.split(None, 1) for line in f if line.strip())


def reach(args):
    farthest = 0
    for k in range(1, args.n + 1):
        before_v, before_adj = read_graph("%s-%d" % (args.prefix, k - 1))
        after_v, after_adj = read_graph("%s-%d" % (args.prefix, k))
        touched = {x for x in before_v | after_v
                   if x not in before_v or x not in after_v or before_adj.get(x) != after_adj.get(x)}
        old = read_result("%s-%d.%s" % (args.prefix, k - 1, args.algo))
        new = read_result("%s-%d.%s" % (args.prefix, k, args.algo))
        changed = {int(x) for x in new if x in old and old[x] != new[x]}
        distance = {x: 0 for x in touched if x in after_v}
        queue = collections.deque(distance)
        while queue:
            x = queue.popleft()
            for y in after_adj.get(x, ()):
                if y not in distance:
                    distance[y] = distance[x] + 1
                    queue.append(y)
        for x in changed:
            farthest = max(farthest, distance.get(x, 0))
    print(farthest)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gen")
    g.add_argument("case", choices=["chains", "cliques"])
    g.add_argument("--undirected", action="store_true")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("prefix")
    g.add_argument("updates")
    g.set_defaults(run=gen)
    r = sub.add_parser("reach")
    r.add_argument("prefix")
    r.add_argument("n", type=int)
    r.add_argument("algo")
    r.set_defaults(run=reach)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
