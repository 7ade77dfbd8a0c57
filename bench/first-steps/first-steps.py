#!/usr/bin/env python3
"""What the first tool steps of a `-p` turn cost beyond a warm step, against the loop kit's app and config.

Runs MicroAgi against timed-mock.mjs (R tool rounds) several times. For each run: the time from the server writing
an answer to the next request arriving (the client's part of a step), for the first steps and as a median over
steps 10 and later, and the first ten steps' excess over that median: the first-run cost the kit's 50-round figure
divides by 50.

  python3 bench/first-steps/first-steps.py --microagi /path/to/installed/microagi [--runs 5] [--rounds 50] [--kit ../shared/bench/loop]
"""
import argparse, json, os, socket, statistics as st, subprocess, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--microagi", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--kit", default=os.path.join(HERE, "..", "..", "..", "shared", "bench", "loop"), help="the loop kit (its app and config)")
    a = ap.parse_args()
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    server = subprocess.Popen(["node", os.path.join(HERE, "timed-mock.mjs")], env=dict(os.environ, ROUNDS=str(a.rounds), PORT=str(port)))
    try:
        for _ in range(100):
            try: socket.create_connection(("127.0.0.1", port), 0.2).close(); break
            except OSError: time.sleep(0.05)
        excess = []
        for _ in range(a.runs):
            argv = a.microagi.split() + ["--config", os.path.join(a.kit, "microagi.yaml"), "--app", os.path.join(a.kit, "app"),
                                        "--base-url", f"http://127.0.0.1:{port}/v1", "-p", "go"]
            subprocess.run(argv, env=dict(os.environ, MICROAGI_HOME=tempfile.mkdtemp(), OPENAI_API_KEY="x"), capture_output=True, check=True, timeout=300)
            t = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/timings").read())
            gaps = [(t[k + 1][0] - t[k][1]) / 1e6 for k in range(len(t) - 1)]
            warm = st.median(gaps[10:])
            excess.append(sum(gaps[:10]) - 10 * warm)
            print(f"client part of steps 1-3: {', '.join(f'{g:.1f}' for g in gaps[:3])} ms; warm step {warm:.2f} ms; first ten steps' excess {excess[-1]:.1f} ms")
        print(f"median excess {st.median(excess):.1f} ms over {a.runs} runs")
    finally:
        server.terminate()

main()
