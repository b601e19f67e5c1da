#!/usr/bin/env python3
"""Small helpers for dev/bench-rpc (standard library only).

Subcommands:
  request-body OUT --response-size N --payload-size N
      Writes one gRPC-framed grpc.testing.SimpleRequest (5-byte prefix + message), encoded
      by hand in the protobuf wire format, for h2load's --data.
  cpu-ticks PID      Prints utime+stime of PID in clock ticks (from /proc/PID/stat).
  hwm-kib PID        Prints VmHWM of PID in KiB (from /proc/PID/status).
  h2load-result STDOUT LOG SERVER ROUND CPU_TICKS HWM_KIB
      Parses h2load's output and, unless LOG is "-", its per-request log (--log-file);
      checks every request succeeded with a 2xx status, and prints one TSV result row: a
      throughput run (no log) or a latency run (with the log).
  report TSV         Prints per-run rows, per-server medians (req/s and CPU per request from
                     the throughput runs, latency from the latency runs), Baton's ratios
                     against every other server and whether the targets are met against each.
"""
import os
import re
import statistics
import struct
import sys

CLK_TCK = os.sysconf("SC_CLK_TCK")
COLUMNS = ["server", "round", "run", "requests", "req_per_s", "mean_ms", "p50_ms", "p99_ms",
           "max_ms", "cpu_us_per_req", "hwm_mib"]


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3 | 0) + varint(value) if value else b""


def field_bytes(number: int, value: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(value)) + value


def request_body(path: str, response_size: int, payload_size: int) -> None:
    # Payload { type = COMPRESSABLE (0, default, omitted); body = 2 }
    payload = field_bytes(2, b"\x00" * payload_size) if payload_size else b""
    # SimpleRequest { response_size = 2; payload = 3 }
    message = field_varint(2, response_size) + field_bytes(3, payload)
    with open(path, "wb") as f:
        f.write(struct.pack(">BI", 0, len(message)) + message)


def cpu_ticks(pid: str) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def hwm_kib(pid: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmHWM for pid {pid}")


def percentile(sorted_values, fraction):
    # Nearest-rank percentile.
    index = max(0, min(len(sorted_values) - 1, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def h2load_result(out_path, log_path, server, round_, cpu_ticks_used, hwm):
    text = open(out_path).read()
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", text)
    if not m:
        raise SystemExit(f"{server}: cannot parse h2load output:\n{text}")
    total, _, done, succeeded, failed, errored, timeout = map(int, m.groups())
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    ok_2xx = int(codes.group(1)) if codes else 0
    if not (done == succeeded == ok_2xx == total) or failed or errored or timeout:
        raise SystemExit(f"{server} round {round_}: not every request succeeded "
                         f"(total={total} done={done} succeeded={succeeded} 2xx={ok_2xx} "
                         f"failed={failed} errored={errored} timeout={timeout})\n{text}")
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    cpu = f"{int(cpu_ticks_used) * 1e6 / CLK_TCK / total:.1f}"
    if log_path == "-":
        print("\t".join([server, round_, "throughput", str(total), f"{rps:.0f}", "", "", "", "", cpu,
                         f"{int(hwm) / 1024:.1f}"]))
        return

    durations = []
    with open(log_path) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3:
                if not parts[1].startswith("2"):
                    raise SystemExit(f"{server}: non-2xx status {parts[1]} in {log_path}")
                durations.append(int(parts[2]))
    if len(durations) != total:
        raise SystemExit(f"{server}: log has {len(durations)} requests, expected {total}")
    durations.sort()
    ms = lambda us: us / 1000.0
    row = [server, round_, "latency", str(total), f"{rps:.0f}",
           f"{ms(statistics.fmean(durations)):.2f}", f"{ms(percentile(durations, 0.50)):.2f}",
           f"{ms(percentile(durations, 0.99)):.2f}", f"{ms(durations[-1]):.2f}", cpu,
           f"{int(hwm) / 1024:.1f}"]
    print("\t".join(row))


def report(tsv_path):
    rows = [line.rstrip("\n").split("\t") for line in open(tsv_path) if line.strip()]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    fmt = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))
    print("Per run (interleaved, in run order):")
    print(fmt(COLUMNS))
    for r in rows:
        print(fmt(r))

    servers = list(dict.fromkeys(r[0] for r in rows))
    med = {}
    for s in servers:
        runs = {kind: [r for r in rows if r[0] == s and r[2] == kind] for kind in ("throughput", "latency")}
        figure = lambda kind, column: statistics.median(float(r[COLUMNS.index(column)]) for r in runs[kind])
        med[s] = {c: figure("throughput", c) for c in ("req_per_s", "cpu_us_per_req")}
        med[s].update({c: figure("latency", c) for c in ("mean_ms", "p50_ms", "p99_ms", "max_ms")})
        med[s]["logged_req_per_s"] = figure("latency", "req_per_s")
        med[s]["hwm_mib"] = max(float(r[COLUMNS.index("hwm_mib")]) for r in rows if r[0] == s)  # peak over all runs
        med[s]["runs"] = f"{len(runs['throughput'])} + {len(runs['latency'])}"
    print()
    print("Median over runs: req/s and CPU from the throughput runs; latency, and req/s while h2load")
    print("logs every request, from the latency runs (RSS: peak VmHWM over all runs):")
    print("| server | runs | req/s | server CPU µs/req | mean ms | p50 ms | p99 ms | max ms | req/s (logging) | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in servers:
        m = med[s]
        print(f"| {s} | {m['runs']} | {m['req_per_s']:.0f} | {m['cpu_us_per_req']:.1f} | {m['mean_ms']:.2f} | "
              f"{m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {m['max_ms']:.2f} | {m['logged_req_per_s']:.0f} | {m['hwm_mib']:.1f} |")
    if "baton" not in med:
        return
    b = med["baton"]
    peers = [s for s in servers if s != "baton"]
    ratios = {}
    for other in peers:
        o = med[other]
        ratios[other] = {k: (b[k] / o[k]) if o[k] else float("nan")
                         for k in ("req_per_s", "cpu_us_per_req", "p99_ms", "logged_req_per_s")}
    print()
    print("Baton against each peer (ratio of medians, Baton / peer):")
    print("| peer | req/s | server CPU µs/req | p99 ms | req/s (logging) |")
    print("|---|---|---|---|---|")
    for other in peers:
        r = ratios[other]
        print(f"| {other} | x{r['req_per_s']:.2f} | x{r['cpu_us_per_req']:.2f} | x{r['p99_ms']:.2f} | "
              f"x{r['logged_req_per_s']:.2f} |")
    print()
    print("Targets (Baton >= 2x the peer's req/s, <= 0.5x its CPU per request, p99 below it):")
    met = lambda ok: "met" if ok else "not met"
    for other in peers:
        r = ratios[other]
        print(f"  vs {other}: req/s x{r['req_per_s']:.2f} >= 2: {met(r['req_per_s'] >= 2)}; "
              f"CPU/req x{r['cpu_us_per_req']:.2f} <= 0.5: {met(r['cpu_us_per_req'] <= 0.5)}; "
              f"p99 x{r['p99_ms']:.2f} < 1: {met(r['p99_ms'] < 1)}")


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "request-body":
        import argparse
        p = argparse.ArgumentParser(prog="request-body")
        p.add_argument("out")
        p.add_argument("--response-size", type=int, default=0)
        p.add_argument("--payload-size", type=int, default=0)
        a = p.parse_args(args)
        request_body(a.out, a.response_size, a.payload_size)
    elif cmd == "cpu-ticks":
        print(cpu_ticks(args[0]))
    elif cmd == "hwm-kib":
        print(hwm_kib(args[0]))
    elif cmd == "h2load-result":
        h2load_result(*args)
    elif cmd == "report":
        report(args[0])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
