"""NASim's bundled benchmarks, timed with a seeded random policy: one line of JSON per benchmark.

A reference line for `scripts/bench-peers.sh`, not a ratio: NASim is one attacker's MDP over a
small network (a step is one action of the attacker), not a population of hosts, so there is no
common agent-step with cydex. It shows what a step costs in the Python gyms the field uses.

    python nasim_steps.py --benchmark tiny --steps 20000
"""

import argparse
import json
import random
import sys
import time

t_import = time.perf_counter()
import nasim  # noqa: E402

import_s = time.perf_counter() - t_import


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchmark", default="tiny")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    t0 = time.perf_counter()
    env = nasim.make_benchmark(a.benchmark, seed=a.seed)
    env.reset(seed=a.seed)
    t1 = time.perf_counter()
    rng = random.Random(a.seed)
    n_actions = env.action_space.n
    episodes = 0
    for _ in range(a.steps):
        _, _, done, truncated, _ = env.step(rng.randrange(n_actions))
        if done or truncated:
            episodes += 1
            env.reset()
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "peer": "nasim",
                "benchmark": a.benchmark,
                "hosts": len(env.scenario.hosts),
                "steps": a.steps,
                "episodes_ended": episodes,
                "import_s": round(import_s, 4),
                "init_s": round(t1 - t0, 4),
                "steps_s": round(t2 - t1, 4),
                "us_per_step": round((t2 - t1) * 1e6 / a.steps, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
