#!/usr/bin/env python3
"""Plays one nation's team in a cydex session through the JSON Lines protocol (docs/protocol.md).

Standard library only. Starts `cydex play` as a subprocess, says `hello`, then loops until ENDEX:
`advance` until something needs the seat's attention, `observe`, decide, `act`. Then `end`, and
prints a summary (decisions taken, alliance score, ratings).

The policy, deliberately simple:
  * isolate the host of every new incident on a host group of criticality `high` or `critical`
    (at most --max-isolations hosts);
  * share the indicators of every campaign the team newly holds with every other nation;
  * ask the first assistance provider for help when more than --queue-limit incidents wait;
  * send a situation report every --sitrep-hours hours with the incidents it sees.

Usage:
  play_policy.py [--cydex BIN] [--seat EST] [--seed 1] [--scenario FILE] [--out DIR]
The binary is --cydex, else $CYDEX_BIN, else `cydex` on PATH. Exit status 0 when the session ended
normally; 1 when the session broke (the binary died, or a response was not JSON).
"""

import argparse
import json
import os
import subprocess
import sys

CRITICAL = ("high", "critical")


class SessionError(Exception):
    """The session cannot go on."""


class Session:
    """A `cydex play` subprocess: one request line out, one response line back."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.next_id = 0
        self.errors = 0

    def request(self, op, **fields):
        """Sends a request; returns its result, or None after printing an error response."""
        self.next_id += 1
        message = dict(op=op, id=self.next_id, **fields)
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise SessionError("cydex stopped reading requests")
        line = self.proc.stdout.readline()
        if not line:
            raise SessionError("cydex closed the session (no response to `%s`)" % op)
        try:
            response = json.loads(line)
        except ValueError:
            raise SessionError("a response is not JSON: %r" % line[:200])
        if response.get("id") != self.next_id:
            raise SessionError("response id %r, expected %r" % (response.get("id"), self.next_id))
        if response.get("ok") is not True:
            error = response.get("error", {})
            self.errors += 1
            print(
                "error on %s: [%s] %s (%s)"
                % (op, error.get("code"), error.get("message"), error.get("hint")),
                file=sys.stderr,
            )
            return None
        return response["result"]

    def close(self):
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        return self.proc.wait()


class Policy:
    """Decides for one seat from its view; remembers what it has already done."""

    def __init__(self, hello, seat, args):
        self.seat = seat
        self.args = args
        self.partners = [s["seat"] for s in hello["seats"] if s["seat"] not in ("EXCON", seat)]
        self.providers = hello.get("providers", [])
        self.critical = {
            g["id"] for g in hello.get("groups", []) if g["nation"] == seat and g["criticality"] in CRITICAL
        }
        self.tick_secs = hello["tick_secs"]
        self.seen_incidents = set()
        self.isolated = set()
        self.shared = set()
        self.asked = False
        self.last_sitrep = None

    def decide(self, view):
        """The actions to take now, given the seat's view."""
        team = next((t for t in view["teams"] if t["nation"] == self.seat), None)
        if team is None:
            return []
        actions = []
        for incident in team["incidents"]:
            if incident["id"] in self.seen_incidents:
                continue
            self.seen_incidents.add(incident["id"])
            host = incident["host"]
            if (
                incident["group"] in self.critical
                and host not in self.isolated
                and len(self.isolated) < self.args.max_isolations
            ):
                self.isolated.add(host)
                actions.append({"type": "isolate_host", "host": host})
        for campaign in team["indicators"]:
            if campaign not in self.shared and self.partners:
                self.shared.add(campaign)
                actions.append({"type": "share_indicators", "campaign": campaign, "to": self.partners})
        queued = sum(1 for i in team["incidents"] if i["phase"] == "queued")
        if queued > self.args.queue_limit and not self.asked and self.providers:
            self.asked = True
            actions.append({"type": "request_assistance", "provider": self.providers[0]})
        hours = view["time_s"] / 3600.0
        if self.last_sitrep is None or hours - self.last_sitrep >= self.args.sitrep_hours:
            self.last_sitrep = hours
            campaigns = sorted({i["campaign"] for i in team["incidents"]})
            actions.append(
                {"type": "situation_report", "compromised": len(team["incidents"]), "campaigns": campaigns}
            )
        return actions


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cydex", default=os.environ.get("CYDEX_BIN", "cydex"), help="the cydex binary")
    p.add_argument("--scenario", help="scenario file (default: the embedded drill)")
    p.add_argument("--seat", default="EST", help="the nation (or team) to play")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="directory for the outputs and the journal (must not exist or be empty)")
    p.add_argument("--queue-limit", type=int, default=3, help="queued incidents before asking for help")
    p.add_argument("--sitrep-hours", type=float, default=4.0, help="hours between situation reports")
    p.add_argument("--max-isolations", type=int, default=20, help="most hosts to isolate")
    return p.parse_args(argv)


def play(args):
    argv = [args.cydex, "play"]
    if args.scenario:
        argv.append(args.scenario)
    argv += ["--seed", str(args.seed), "--seat", args.seat]
    if args.out:
        argv += ["--out", args.out]
    session = Session(argv)
    taken = refused = 0
    try:
        hello = session.request("hello")
        if hello is None:
            raise SessionError("`hello` failed")
        print(
            "playing %s in %s (seed %d, %d ticks of %ds)"
            % (args.seat, hello["exercise_id"], hello["seed"], hello["endex_tick"], hello["tick_secs"])
        )
        policy = Policy(hello, args.seat, args)
        while True:
            observed = session.request("observe", seat=args.seat)
            if observed is not None:
                for action in policy.decide(observed["view"]):
                    result = session.request("act", seat=args.seat, action=action)
                    if result is None:
                        continue
                    outcome = result["outcome"]
                    if outcome["applied"]:
                        taken += 1
                    else:
                        refused += 1
                        print("refused %s at tick %d: %s" % (action["type"], result["tick"], outcome.get("note")))
            advanced = session.request("advance", until=args.seat)
            if advanced is None or advanced["ended"]:
                break
        end = session.request("end")
    finally:
        status = session.close()
    if end is None:
        raise SessionError("`end` failed")
    print("decisions taken: %d applied, %d refused (%d error responses)" % (taken, refused, session.errors))
    print("alliance score: %s" % end["alliance_score"])
    print("ratings: %s" % ", ".join("%s %s" % kv for kv in sorted(end["ratings"].items())))
    if end["written"]:
        print("written: %s" % ", ".join(end["written"]))
    return status


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        status = play(args)
    except (SessionError, OSError) as e:
        print("play_policy: %s" % e, file=sys.stderr)
        return 1
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
