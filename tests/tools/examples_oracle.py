#!/usr/bin/python3
"""examples_oracle.py — python3-igraph's answers for the programs in examples/: coreness and triangles per vertex.

usage: examples_oracle.py coreness|kcore-member K|triangles|triangle-total EDGES [VERTICES]

Reads an edge list (`src dst [weight]`, '#' and '%' comment lines) and optionally a
vertex file (one id per line, for isolated vertices), builds the simple undirected
graph (directions, parallel edges and self-loops dropped, as the examples define
it), and prints `id value` per vertex in ascending id order, or one number for
triangle-total. The answers come from igraph (Graph.coreness(), Graph.list_triangles()),
not from rivulet's algorithm.
"""
import sys

import igraph


def read_ids(path):
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields and fields[0][0] not in "#%":
                yield fields


def main(argv):
    command, rest = argv[1], argv[2:]
    k = None
    if command == "kcore-member":
        k, rest = int(rest[0]), rest[1:]
    pairs = [(int(f[0]), int(f[1])) for f in read_ids(rest[0])]
    ids = {v for p in pairs for v in p}
    if len(rest) > 1:
        ids |= {int(f[0]) for f in read_ids(rest[1])}
    ids = sorted(ids)
    index = {v: i for i, v in enumerate(ids)}
    g = igraph.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in pairs], directed=False)
    g.simplify(multiple=True, loops=True)

    if command == "triangle-total":
        print(len(g.list_triangles()))
        return 0
    if command in ("coreness", "kcore-member"):
        values = g.coreness()
        if k is not None:
            values = [1 if c >= k else 0 for c in values]
    elif command == "triangles":
        values = [0] * len(ids)
        for triangle in g.list_triangles():
            for i in triangle:
                values[i] += 1
    else:
        sys.exit("examples_oracle.py: unknown command " + command)
    for v, value in zip(ids, values):
        print(v, value)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
