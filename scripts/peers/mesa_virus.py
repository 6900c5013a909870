"""Mesa's bundled VirusOnNetwork, timed: one line of JSON per run.

Runs `mesa.examples.basic.virus_on_network.VirusOnNetwork` exactly as Mesa ships it (model, agents
and data collector untouched) and times its parts, for `scripts/bench-peers.sh`:

    python mesa_virus.py --nodes 5000 --degree 4 --steps 100 --resistance 0.0   # SIS (endemic)
    python mesa_virus.py --nodes 5000 --degree 4 --steps 100 --resistance 0.5   # SIR (as bundled)

Printed fields: `import_s` (importing Mesa), `init_s` (graph and agents), `steps_s` (the `step()`
calls), `ns_per_agent_step` (`steps_s` / (nodes × steps): every agent is stepped every step),
and the final susceptible / infected / resistant counts.
"""

import argparse
import json
import sys
import time

t_import = time.perf_counter()
from mesa.examples.basic.virus_on_network.model import VirusOnNetwork  # noqa: E402
from mesa.examples.basic.virus_on_network.agents import State  # noqa: E402

import_s = time.perf_counter() - t_import


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, required=True)
    ap.add_argument("--degree", type=float, default=4.0)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--outbreak", type=int, default=None, help="initial infected (default: 1 %% of nodes)")
    ap.add_argument("--spread", type=float, default=0.4, help="virus_spread_chance")
    ap.add_argument("--check", type=float, default=0.4, help="virus_check_frequency")
    ap.add_argument("--recovery", type=float, default=0.3, help="recovery_chance")
    ap.add_argument("--resistance", type=float, default=0.5, help="gain_resistance_chance (0 = SIS)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    outbreak = a.outbreak if a.outbreak is not None else max(1, a.nodes // 100)

    t0 = time.perf_counter()
    model = VirusOnNetwork(
        num_nodes=a.nodes,
        avg_node_degree=a.degree,
        initial_outbreak_size=outbreak,
        virus_spread_chance=a.spread,
        virus_check_frequency=a.check,
        recovery_chance=a.recovery,
        gain_resistance_chance=a.resistance,
        seed=a.seed,
    )
    t1 = time.perf_counter()
    for _ in range(a.steps):
        model.step()
    t2 = time.perf_counter()

    counts = {s.name.lower(): 0 for s in State}
    for agent in model.agents:
        counts[agent.state.name.lower()] += 1
    print(
        json.dumps(
            {
                "peer": "mesa",
                "nodes": a.nodes,
                "degree": a.degree,
                "steps": a.steps,
                "resistance": a.resistance,
                "import_s": round(import_s, 4),
                "init_s": round(t1 - t0, 4),
                "steps_s": round(t2 - t1, 4),
                "ns_per_agent_step": round((t2 - t1) * 1e9 / (a.nodes * a.steps), 1),
                **counts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
