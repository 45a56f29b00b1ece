#!/usr/bin/python3
"""lcc_reference.py — a serial oracle for the local clustering coefficient (Graphalytics semantics).

usage: lcc_reference.py [--undirected] [--igraph] EDGES VERTICES|- > OUTPUT

Reads `src dst [...]` lines (and the vertex file's first column, when given) and
prints `id lcc` lines in ascending id order. By definition, straight from the
Graphalytics rules: N(v) is the set of in- and out-neighbours of v (v itself
excluded); the value is the number of ordered pairs (u, w) of distinct members of
N(v) with an edge u -> w, divided by d(d-1) with d = |N(v)|; 0 when d < 2. An
undirected edge is an edge both ways. Duplicate edges count once.

--igraph (undirected graphs only) answers with python3-igraph's
transitivity_local_undirected instead: an independent implementation.
"""
import sys


def read_ids(path):
    ids = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith(('#', '%')):
                ids.append(int(fields[0]))
    return ids


def read_edges(path):
    edges = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith(('#', '%')):
                edges.append((int(fields[0]), int(fields[1])))
    return edges


def by_definition(vertices, edges, undirected):
    out = {v: set() for v in vertices}
    for s, d in edges:
        out.setdefault(s, set()).add(d)
        out.setdefault(d, set())
        if undirected:
            out[d].add(s)
    neighbours = {v: set(out[v]) for v in out}
    for s, targets in out.items():
        for d in targets:
            neighbours[d].add(s)
    result = {}
    for v, nv in neighbours.items():
        nv = nv - {v}
        d = len(nv)
        if d < 2:
            result[v] = 0.0
            continue
        links = sum(1 for u in nv for w in out[u] if w in nv and w != u)
        result[v] = links / (d * (d - 1))
    return result


def with_igraph(vertices, edges):
    import igraph
    ids = sorted(set(vertices) | {x for e in edges for x in e})
    index = {v: i for i, v in enumerate(ids)}
    g = igraph.Graph(n=len(ids), edges=[(index[s], index[d]) for s, d in edges], directed=False)
    g.simplify()
    values = g.transitivity_local_undirected(mode="zero")
    return {v: values[index[v]] for v in ids}


def main(argv):
    undirected = '--undirected' in argv
    use_igraph = '--igraph' in argv
    files = [a for a in argv if not a.startswith('--')]
    if len(files) != 2 or (use_igraph and not undirected):
        sys.stderr.write(__doc__)
        return 2
    edges = read_edges(files[0])
    vertices = read_ids(files[1]) if files[1] != '-' else []
    result = with_igraph(vertices, edges) if use_igraph else by_definition(vertices, edges, undirected)
    for v in sorted(result):
        sys.stdout.write('%d %r\n' % (v, float(result[v])))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
