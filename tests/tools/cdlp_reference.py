#!/usr/bin/python3
"""cdlp_reference.py — a small serial CDLP (Graphalytics label propagation), the oracle for rivulet's cdlp.

Not part of rivulet and sharing nothing with it: written from the rules in
shared/datasets/graphalytics/SPEC.md, as plainly as possible, so that a bug in
rivulet's loader, message exchange or mode computation cannot hide in its answer.

    cdlp_reference.py --iterations K [--undirected] [--output FILE] EDGES VERTICES

EDGES holds `src dst [anything]` lines (blank lines and lines starting with '#' or
'%' skipped); VERTICES holds one id per line (further columns ignored), or is `-`
to take the vertices from the edges. Output: one `id label` line per vertex,
ascending id.

The rules: every label starts as the vertex's own id; K synchronous rounds, each
computed from the previous round's labels only; a vertex takes the most frequent
label among its in-neighbours' plus its out-neighbours' labels (so on a directed
graph a neighbour linked both ways counts twice, and every line counts, duplicates
included), the smallest on a tie; a vertex without neighbours keeps its label. On
an undirected graph every line is one neighbour of each end.
"""
import argparse
import sys
from collections import Counter


def read_ids(path):
    ids = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith(("#", "%")):
                ids.append(int(fields[0]))
    return ids


def read_edges(path):
    edges = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields or fields[0].startswith(("#", "%")):
                continue
            if len(fields) < 2:
                sys.exit(f"cdlp_reference.py: {path}:{number}: expected 'src dst'")
            edges.append((int(fields[0]), int(fields[1])))
    return edges


def cdlp(vertices, edges, undirected, iterations):
    # neighbours[v]: the vertices whose labels v counts, with repetition.
    neighbours = {v: [] for v in vertices}
    for u, v in edges:
        if undirected:
            neighbours[u].append(v)
            neighbours[v].append(u)
        else:
            neighbours[u].append(v)  # v is an out-neighbour of u
            neighbours[v].append(u)  # u is an in-neighbour of v
    labels = {v: v for v in vertices}
    for _ in range(iterations):
        new_labels = {}
        for v in vertices:
            if not neighbours[v]:
                new_labels[v] = labels[v]
                continue
            histogram = Counter(labels[u] for u in neighbours[v])
            top = max(histogram.values())
            new_labels[v] = min(label for label, count in histogram.items() if count == top)
        labels = new_labels
    return labels


def main():
    parser = argparse.ArgumentParser(description="serial Graphalytics CDLP")
    parser.add_argument("--iterations", type=int, required=True)
    parser.add_argument("--undirected", action="store_true")
    parser.add_argument("--output", default="-")
    parser.add_argument("edges")
    parser.add_argument("vertices")
    args = parser.parse_args()
    if args.iterations < 0:
        parser.error("--iterations must be >= 0")

    edges = read_edges(args.edges)
    if args.vertices == "-":
        vertices = sorted({x for edge in edges for x in edge})
    else:
        vertices = sorted(read_ids(args.vertices))
        known = set(vertices)
        for u, v in edges:
            if u not in known or v not in known:
                sys.exit(f"cdlp_reference.py: edge {u} -> {v} names a vertex missing from {args.vertices}")
    labels = cdlp(vertices, edges, args.undirected, args.iterations)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    with out:
        for v in vertices:
            out.write(f"{v} {labels[v]}\n")


if __name__ == "__main__":
    main()
