"""Replays the adaptive rule of @ig/core (packages/core/src/adaptive-steps.ts, adaptive-mesh.ts) and
variants of it on the tables of F and g(α) that `node dist/path-roughness.js` writes to
bench-results/path-roughness.json, and prints the evaluations each needs to a tolerance.

The tables hold 2^L + 1 evenly spaced points, so any refinement by bisection down to width 2^-L can
be replayed without a model. With the defaults (Simpson pairs, Dörfler share 0.5, no filling) it
follows the core's rule step by step (the core's float32 noise floor never matters at these
errors), and reproduces the bench's counts.

Usage: python3 scripts/replay_adaptive.py [bench-results/path-roughness.json] [tolerance]
"""
import json
import sys


class Replay:
    def __init__(self, f, g, rule='simpson-pairs', share=0.5, fill=0, tolerance=0.01, cap=1025, stop_rules=()):
        self.f, self.g, self.last = f, g, len(f) - 1
        self.rule, self.share, self.fill, self.tolerance, self.cap = rule, share, fill, tolerance, cap
        # Stop as soon as any of these rules' weights on the same points meet the tolerance.
        self.stop_rules = stop_rules

    def at(self, alpha):
        k = round(alpha * self.last)
        if abs(k - alpha * self.last) > 1e-9:
            raise ValueError(f'α = {alpha} is finer than the table')
        return self.f[k], self.g[k]

    def elements(self, nodes):
        """(first, last, signed completeness error) of each piece, as PathMesh.elements."""
        if len(nodes) == 1:
            return [(0, 0, self.at(nodes[0])[1] - (self.f[-1] - self.f[0]))]
        out, i = [], 0
        while i + 1 < len(nodes):
            h = nodes[i + 1] - nodes[i]
            pair = (self.rule == 'simpson-pairs' and i + 2 < len(nodes) and abs(h - (nodes[i + 2] - nodes[i + 1])) < 1e-15
                    and abs(nodes[i] / (2 * h) - round(nodes[i] / (2 * h))) < 1e-9)
            last = i + 2 if pair else i + 1
            weights = [h / 3, 4 * h / 3, h / 3] if pair else [h / 2, h / 2]
            quadrature = sum(w * self.at(nodes[i + k])[1] for k, w in enumerate(weights))
            out.append((i, last, quadrature - (self.at(nodes[last])[0] - self.at(nodes[i])[0])))
            i = last
        return out

    def split_point(self, nodes, element):
        i, last, _ = element
        midpoint = lambda k: 0.5 * (nodes[k] + nodes[k + 1])
        if last == i + 1:
            return midpoint(i)
        def trapezoid_error(k):
            return abs(0.5 * (nodes[k + 1] - nodes[k]) * (self.at(nodes[k])[1] + self.at(nodes[k + 1])[1]) - (self.at(nodes[k + 1])[0] - self.at(nodes[k])[0]))
        return midpoint(i + 1) if trapezoid_error(i + 1) > trapezoid_error(i) else midpoint(i)

    def error_of(self, nodes, rule):
        """The signed relative completeness error of `rule`'s weights on `nodes`."""
        kept, self.rule = self.rule, rule
        error = sum(e[2] for e in self.elements(nodes)) / abs(self.f[-1] - self.f[0])
        self.rule = kept
        return error

    def run(self):
        """(evaluations, rounds, final relative error, signed relative error after each round)."""
        nodes, rounds, trace = [0.5], 1, []
        while True:
            elements = self.elements(nodes)
            error = self.error_of(nodes, self.rule)
            if self.stop_rules:
                error = min((self.error_of(nodes, rule) for rule in self.stop_rules), key=abs)
            trace.append(round(100 * error, 2))
            if abs(error) <= self.tolerance or len(nodes) >= self.cap:
                return len(nodes), rounds, error, trace
            if len(nodes) == 1:
                fresh = [0.0, 1.0]
            else:
                finest = 2 / self.last + 1e-12
                candidates = sorted((e for e in elements if nodes[e[1]] - nodes[e[0]] > finest), key=lambda e: -abs(e[2]))
                if not candidates:
                    return len(nodes), rounds, error, trace
                total = sum(abs(e[2]) for e in candidates)
                marked, covered = [], 0.0
                for e in candidates:
                    if len(marked) >= self.cap - len(nodes) or (marked and covered >= self.share * total):
                        break
                    marked.append(e)
                    covered += abs(e[2])
                if self.fill:
                    for e in candidates:
                        if len(marked) % self.fill == 0:
                            break
                        if e not in marked:
                            marked.append(e)
                fresh = [self.split_point(nodes, e) for e in marked]
            nodes = sorted(set(nodes + fresh))
            rounds += 1


VARIANTS = [
    ('the core rule (Simpson pairs, share 0.5)', {}),
    ('share 0.3', {'share': 0.3}),
    ('share 0.7', {'share': 0.7}),
    ('share 1.0 (every piece)', {'share': 1.0}),
    ('trapezoid pieces', {'rule': 'trapezoid'}),
    ('rounds filled to 6 points', {'fill': 6}),
    ('stop on the better of Simpson pairs and trapezoid', {'stop_rules': ('simpson-pairs', 'trapezoid')}),
    ('trapezoid marking, stop on the better of both', {'rule': 'trapezoid', 'stop_rules': ('simpson-pairs', 'trapezoid')}),
]

if __name__ == '__main__':
    path = sys.argv[1] if len(sys.argv) > 1 else 'bench-results/path-roughness.json'
    tolerance = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    report = json.load(open(path))
    for row in report['rows']:
        print(f"{row['model']} ({row['variant']}, image {row['image']}), tolerance {tolerance:g}:")
        for label, options in VARIANTS:
            evaluations, rounds, error, trace = Replay(row['f'], row['g'], tolerance=tolerance, **options).run()
            print(f'  {label}: {evaluations} evaluations in {rounds} rounds, final {100 * error:.2f}%')
            if not options:
                print(f'    signed error after each round (%): {trace}')
