#!/usr/bin/env python3
"""stream_reference.py — random update streams for `rivulet stream`, and the graph after every batch as a Graphalytics dataset.

    stream_reference.py gen --seed S --vertices N --edges M --updates U [--weighted]
                            [--undirected] [--protect ID] [--malformed] PREFIX UPDATES
        Writes a random starting graph as the dataset PREFIX (PREFIX.properties,
        PREFIX.v, PREFIX.e) and a stream of U update lines to UPDATES: insertions,
        deletions of existing and missing edges, vertex additions and removals (never
        of ID), duplicates, contradictions inside a batch (+ then -, +v then -v, -v
        then +), self-loops, comments, blank lines, and with --malformed a few bad lines.
        --no-vertex-removals leaves out `-v` lines (batches the engine patches
        into the graph rather than rebuilding it).

    stream_reference.py apply [--weighted] [--undirected] --batch-size B PREFIX UPDATES OUT
        Applies UPDATES to the dataset PREFIX one line at a time, cutting batches as
        `rivulet stream --batch-size B --batch-ms 0` does (B accepted updates, or the
        end), and writes the graph after batch k as the dataset OUT-k (k = 0 is
        PREFIX's graph). Prints the number of batches, then one line per batch:
        `k accepted rejected`.

    stream_reference.py changes DIR N
        Rebuilds full results from what `rivulet stream --emit changes` wrote:
        DIR/batch-k.snapshot for k = 0..N, each the previous one with the lines of
        DIR/batch-k.changes applied (`id value` sets a value, `id removed` drops the
        vertex), in ascending id order.

The model is independent of rivulet: a list of edge lines and a set of vertices,
changed exactly as the update lines say (`- u v` removes every line u v, and for
an undirected graph every line v u too; `-v x` removes x and every line that
names it; `+ u v` creates missing endpoints).
"""
import argparse
import random
import re
import sys

ID = r"(\d+)"
NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
GRAMMAR = [
    ("+", re.compile(r"^[ \t]*\+[ \t]+" + ID + r"[ \t]+" + ID + r"(?:[ \t]+" + NUMBER + r")?[ \t]*\r?$")),
    ("-", re.compile(r"^[ \t]*-[ \t]+" + ID + r"[ \t]+" + ID + r"[ \t]*\r?$")),
    ("+v", re.compile(r"^[ \t]*\+v[ \t]+" + ID + r"[ \t]*\r?$")),
    ("-v", re.compile(r"^[ \t]*-v[ \t]+" + ID + r"[ \t]*\r?$")),
]
ID_MAX = 2**63 - 1


def parse(line):
    """('skip',) for comments and blanks, ('bad',) for a malformed line, else (op, args...)."""
    stripped = line.strip(" \t\r\n")
    if not stripped or stripped.startswith("#"):
        return ("skip",)
    for op, pattern in GRAMMAR:
        m = pattern.match(line.rstrip("\n"))
        if not m:
            continue
        ids = [int(m.group(1)), int(m.group(2))] if op in ("+", "-") else [int(m.group(1))]
        if any(i > ID_MAX for i in ids):
            return ("bad",)
        if op == "+":
            weight = float(m.group(3)) if m.group(3) is not None else 1.0
            if weight < 0 or weight != weight or weight in (float("inf"), float("-inf")):
                return ("bad",)
            return ("+", ids[0], ids[1], m.group(3) if m.group(3) is not None else "1")
        if op == "-":
            return ("-", ids[0], ids[1])
        return (op, ids[0])
    return ("bad",)


class Graph:
    def __init__(self, undirected):
        self.undirected = undirected
        self.vertices = set()
        self.edges = []  # [u, v, weight text]

    def apply(self, update):
        op = update[0]
        if op == "+":
            _, u, v, w = update
            self.vertices.update((u, v))
            self.edges.append((u, v, w))
        elif op == "-":
            _, u, v = update
            self.edges = [e for e in self.edges
                          if not ((e[0] == u and e[1] == v) or (self.undirected and e[0] == v and e[1] == u))]
        elif op == "+v":
            self.vertices.add(update[1])
        elif op == "-v":
            x = update[1]
            self.vertices.discard(x)
            self.edges = [e for e in self.edges if e[0] != x and e[1] != x]

    def write(self, prefix, weighted):
        name = prefix.rsplit("/", 1)[-1]
        with open(prefix + ".v", "w") as f:
            for x in sorted(self.vertices):
                f.write("%d\n" % x)
        with open(prefix + ".e", "w") as f:
            for u, v, w in self.edges:
                f.write("%d %d %s\n" % (u, v, w) if weighted else "%d %d\n" % (u, v))
        with open(prefix + ".properties", "w") as f:
            f.write("graph.%s.vertex-file = %s.v\n" % (name, name))
            f.write("graph.%s.edge-file = %s.e\n" % (name, name))
            f.write("graph.%s.directed = %s\n" % (name, "false" if self.undirected else "true"))
            if weighted:
                f.write("graph.%s.edge-properties.names = weight\n" % name)
                f.write("graph.%s.edge-properties.types = real\n" % name)
                f.write("graph.%s.sssp.weight-property = weight\n" % name)


def read_dataset(prefix, undirected):
    g = Graph(undirected)
    with open(prefix + ".v") as f:
        g.vertices.update(int(line) for line in f if line.strip())
    with open(prefix + ".e") as f:
        for line in f:
            fields = line.split()
            if fields:
                g.edges.append((int(fields[0]), int(fields[1]), fields[2] if len(fields) > 2 else "1"))
    return g


WEIGHTS = ["0", "0.5", "1", "2", "3.25", "7"]
MALFORMED = ["x 1 2", "+ 1", "+ 3 4 5 6", "- 1 2 3", "+v", "+ -1 2", "+ 1 2 abc", "-v 1 2", "+1 2",
             "- 99999999999999999999 1"]


def generate(args):
    rng = random.Random(args.seed)
    g = Graph(args.undirected)
    n = args.vertices
    g.vertices.update(range(1, n + 1))
    for _ in range(args.edges):
        u, v = rng.randint(1, n), rng.randint(1, n)
        g.edges.append((u, v, rng.choice(WEIGHTS)))
    # The protected vertex is the source of the path algorithms: give it a reach.
    for _ in range(4 if args.protect >= 1 else 0):
        g.edges.append((args.protect, rng.randint(1, n), rng.choice(WEIGHTS)))
    g.write(args.prefix, True)

    lines = []
    next_id = n + 1
    protect = args.protect

    def some_vertex():
        return rng.choice(sorted(g.vertices)) if g.vertices else rng.randint(1, n)

    while len(lines) < args.updates:
        r = rng.random()
        if r < 0.35:  # insertion, sometimes a parallel edge or a self-loop
            u, v = some_vertex(), some_vertex()
            if rng.random() < 0.05:
                v = u
            line = "+ %d %d %s" % (u, v, rng.choice(WEIGHTS))
        elif r < 0.55 and g.edges:  # deletion of an existing edge, often one near the source
            near = [e for e in g.edges if e[0] == protect] if rng.random() < 0.3 else []
            u, v, _ = rng.choice(near or g.edges)
            line = "- %d %d" % (u, v)
        elif r < 0.60:  # deletion of an edge that is probably missing
            line = "- %d %d" % (some_vertex(), rng.randint(1, n + 50))
        elif r < 0.66:  # a new vertex, or an existing one
            x = next_id if rng.random() < 0.5 else some_vertex()
            next_id += 1
            line = "+v %d" % x
        elif r < 0.72:  # vertex removal (maybe of a vertex that is gone)
            x = some_vertex() if rng.random() < 0.8 else rng.randint(1, n + 50)
            if x == protect or args.no_vertex_removals:
                continue
            line = "-v %d" % x
        elif r < 0.78:  # a contradiction: add then remove the same edge
            u, v = some_vertex(), some_vertex()
            lines.append("+ %d %d %s" % (u, v, rng.choice(WEIGHTS)))
            g.apply(parse(lines[-1]))
            line = "- %d %d" % ((v, u) if args.undirected and rng.random() < 0.5 else (u, v))
        elif r < 0.82 and not args.no_vertex_removals:  # a new vertex removed again, or one removed and re-added
            x = next_id
            next_id += 1
            if rng.random() < 0.5:
                lines.append("+v %d" % x)
                g.apply(parse(lines[-1]))
                line = "-v %d" % x
            else:
                y = some_vertex()
                if y == protect:
                    continue
                lines.append("-v %d" % y)
                g.apply(parse(lines[-1]))
                line = "+ %d %d %s" % (y, some_vertex() if g.vertices else x, rng.choice(WEIGHTS))
        elif r < 0.88:  # a duplicate of an earlier insertion
            earlier = [l for l in lines[-30:] if l.startswith("+ ")]
            if not earlier:
                continue
            line = rng.choice(earlier)
        elif r < 0.92:
            line = rng.choice(["# a comment", "", "   ", "\t# indented comment"])
        elif args.malformed:
            line = rng.choice(MALFORMED)
        else:
            continue
        update = parse(line)
        if update[0] not in ("skip", "bad"):
            g.apply(update)
        lines.append(line)
    with open(args.updates_file, "w") as f:
        for line in lines:
            f.write(line + "\n")


def apply(args):
    g = read_dataset(args.prefix, args.undirected)
    g.write("%s-0" % args.out, args.weighted)
    report = []
    batch, accepted, rejected = 1, 0, 0
    with open(args.updates_file) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        update = parse(line)
        if update[0] == "skip":
            continue
        if update[0] == "bad":
            rejected += 1
            continue
        g.apply(update)
        accepted += 1
        if accepted == args.batch_size:
            g.write("%s-%d" % (args.out, batch), args.weighted)
            report.append((batch, accepted, rejected))
            batch, accepted, rejected = batch + 1, 0, 0
    if accepted:
        g.write("%s-%d" % (args.out, batch), args.weighted)
        report.append((batch, accepted, rejected))
    print(len(report))
    for entry in report:
        print("%d %d %d" % entry)


def replay_changes(args):
    values = {}
    for k in range(args.n + 1):
        with open("%s/batch-%06d.changes" % (args.dir, k)) as f:
            for line in f:
                vertex, value = line.split()
                if value == "removed":
                    del values[int(vertex)]
                else:
                    values[int(vertex)] = value
        with open("%s/batch-%06d.snapshot" % (args.dir, k), "w") as f:
            for vertex in sorted(values):
                f.write("%d %s\n" % (vertex, values[vertex]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("gen")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--vertices", type=int, required=True)
    p.add_argument("--edges", type=int, required=True)
    p.add_argument("--updates", type=int, required=True)
    p.add_argument("--weighted", action="store_true")
    p.add_argument("--undirected", action="store_true")
    p.add_argument("--protect", type=int, default=-1)
    p.add_argument("--malformed", action="store_true")
    p.add_argument("--no-vertex-removals", action="store_true")
    p.add_argument("prefix")
    p.add_argument("updates_file")
    p = sub.add_parser("apply")
    p.add_argument("--weighted", action="store_true")
    p.add_argument("--undirected", action="store_true")
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("prefix")
    p.add_argument("updates_file")
    p.add_argument("out")
    p = sub.add_parser("changes")
    p.add_argument("dir")
    p.add_argument("n", type=int)
    args = parser.parse_args()
    if args.command == "gen":
        generate(args)
    elif args.command == "apply":
        apply(args)
    else:
        replay_changes(args)


if __name__ == "__main__":
    sys.exit(main())
