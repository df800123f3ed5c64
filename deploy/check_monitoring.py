"""Checks that Relay's monitoring names only series the gateway and relay-dr export.

    python3 deploy/check_monitoring.py [--root REPO] [--promtool PATH]

- every `relay_*` series in deploy/prometheus/relay-alerts.yml, deploy/grafana/relay-dashboard.json
  and the CloudWatch side of deploy/aws/relay-region.yaml (the agents' metric selectors, the alarms
  in the Relay namespace) is one the code registers (Sources/RelayGateway/Metrics/GatewayMetrics.swift,
  Sources/RelayReplication/DR/DRMetrics.swift; histograms with _bucket, _sum, _count);
- every alarm on a Relay series reads a series an agent publishes, with the dimension it uses;
- every alert has a unit test where it fires and one where it stays quiet;
- relay:rpo_target_seconds is each region's targets.rpo_seconds (regions/*.yaml);
- every dashboard query is valid PromQL (promtool check rules on a file of them).
Exit 0 clean, 1 problems (one line each), 2 could not check.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws"))
from check_templates import load_template  # noqa: E402

# Series that are not Relay's but that the rules use on purpose (documented in the rules file).
FOREIGN = {"up", "node_filesystem_avail_bytes", "node_filesystem_size_bytes"}
PROMQL_WORDS = {
    "sum", "by", "rate", "increase", "histogram_quantile", "avg_over_time", "max", "min", "count", "or", "and",
    "on", "group_left", "vector", "label_replace", "unless", "without", "le", "avg",
}


def exported(root):
    """{name: kind} of every series the code registers (kind 'histogram' for duration histograms)."""
    names = {}
    gateway = open(os.path.join(root, "Sources/RelayGateway/Metrics/GatewayMetrics.swift"), encoding="utf-8").read()
    for subsystem, metric, unit in re.findall(r'name\((nil|"[a-z_]*"),\s*"([a-z_]+)",\s*"([a-z_]*)"', gateway):
        parts = ["relay"] + [p for p in (subsystem.strip('"') if subsystem != "nil" else "", metric, unit) if p]
        names["_".join(parts)] = "metric"
    dr = open(os.path.join(root, "Sources/RelayReplication/DR/DRMetrics.swift"), encoding="utf-8").read()
    for name in re.findall(r'named\(\s*"(relay_dr_[a-z_]+)"', dr):
        names[name] = "metric"
    for ns, sub, metric, unit in re.findall(
        r'MetricNameDescriptor\(\s*namespace:\s*"([a-z]+)",\s*subsystem:\s*"([a-z]+)",\s*metricName:\s*"([a-z_]+)",\s*unitName:\s*"([a-z]+)"', dr
    ):
        names[f"{ns}_{sub}_{metric}_{unit}"] = "metric"
    # Histograms: the duration series (makeDurationHistogram) expose _bucket, _sum and _count.
    for name in list(names):
        if name.endswith("duration_seconds"):
            names[name] = "histogram"
    if "relay_http_requests_total" not in names or "relay_dr_replication_lag_seconds" not in names:
        raise SystemExit(f"check_monitoring: the metric scan found {sorted(names)}: has the code changed shape?")
    return names


def known(name, names):
    if name in names or name in FOREIGN:
        return True
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and names.get(name[: -len(suffix)]) == "histogram":
            return True
    return False


def series_in(expr):
    """Metric names in a PromQL expression (identifiers not followed by '(' and not keywords or labels)."""
    text = re.sub(r'"[^"]*"', '""', expr)  # label values and strings
    text = re.sub(r"\{[^}]*\}", "{}", text)  # matchers
    text = re.sub(r"\[[^\]]*\]", "[]", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    found = set()
    for match in re.finditer(r"\b([a-zA-Z_][a-zA-Z0-9_:]*)\b(\s*\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word in PROMQL_WORDS or re.fullmatch(r"[0-9.e]+", word):
            continue
        found.add(word)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--promtool", default="promtool")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    problems = []
    try:
        names = exported(root)
        rules = yaml.safe_load(open(os.path.join(root, "deploy/prometheus/relay-alerts.yml"), encoding="utf-8"))
        tests = yaml.safe_load(open(os.path.join(root, "deploy/prometheus/relay-alerts.test.yml"), encoding="utf-8"))
        dashboard = json.load(open(os.path.join(root, "deploy/grafana/relay-dashboard.json"), encoding="utf-8"))
        template = load_template(os.path.join(root, "deploy/aws/relay-region.yaml"))
        regions = {}
        for path in glob.glob(os.path.join(root, "regions", "*.yaml")):
            data = yaml.safe_load(open(path, encoding="utf-8"))
            regions[data["id"]] = data["targets"]["rpo_seconds"]
    except (OSError, ValueError, yaml.YAMLError, KeyError) as error:
        print(f"check_monitoring: cannot read: {error}")
        return 2

    recorded = set()
    alerts = []
    rpo = {}
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "record" in rule:
                recorded.add(rule["record"])
                if rule["record"] == "relay:rpo_target_seconds":
                    value = re.fullmatch(r"vector\(([0-9.]+)\)", rule["expr"].strip())
                    rpo[rule.get("labels", {}).get("origin")] = float(value.group(1)) if value else None
            else:
                alerts.append(rule["alert"])
            for series in series_in(rule["expr"]):
                if series not in recorded and not known(series, names) and series != "relay:rpo_target_seconds":
                    problems.append(f"relay-alerts.yml: {rule.get('alert', rule.get('record'))}: no such series {series}")
    if rpo != {k: float(v) for k, v in regions.items()}:
        problems.append(f"relay-alerts.yml: relay:rpo_target_seconds {rpo} is not the region files' rpo_seconds {regions}")

    fired, quiet = set(), set()
    for test in tests["tests"]:
        for case in test.get("alert_rule_test", []) or []:
            (fired if case.get("exp_alerts") else quiet).add(case["alertname"])
    for alert in alerts:
        if alert not in fired:
            problems.append(f"relay-alerts.test.yml: no test where {alert} fires")
        if alert not in quiet:
            problems.append(f"relay-alerts.test.yml: no test where {alert} stays quiet")

    expressions = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            expressions.append((panel["title"], target["expr"]))
            for series in series_in(target["expr"]):
                if series not in recorded and not known(series, names):
                    problems.append(f"relay-dashboard.json: {panel['title']}: no such series {series}")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        queries = [
            {"record": f"dashboard:query_{i}", "expr": e.replace("$__rate_interval", "5m").replace("$region", ".*")}
            for i, (_, e) in enumerate(expressions)
        ]
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": queries}]}, f)
        scratch = f.name
    try:
        check = subprocess.run([args.promtool, "check", "rules", scratch], capture_output=True, text=True)
        if check.returncode != 0:
            problems.append(f"relay-dashboard.json: a query is not valid PromQL: {check.stdout.strip()} {check.stderr.strip()}")
    except OSError as error:
        print(f"check_monitoring: cannot run promtool: {error}")
        return 2
    finally:
        os.unlink(scratch)

    # CloudWatch: what the agents publish (EMF metric selectors with their dimensions) and what
    # the alarms read from the Relay namespace.
    published = {}
    for definition in template["Resources"].values():
        if definition.get("Type") != "AWS::ECS::TaskDefinition":
            continue
        for container in definition["Properties"]["ContainerDefinitions"]:
            for variable in container.get("Environment", []) or []:
                if variable["Name"] != "CW_CONFIG_CONTENT":
                    continue
                text = variable["Value"]["Fn::Sub"] if isinstance(variable["Value"], dict) else variable["Value"]
                config = json.loads(re.sub(r"\$\{[^}]+\}", "x", text))
                emf = config["logs"]["metrics_collected"]["prometheus"]["emf_processor"]
                for declaration in emf["metric_declaration"]:
                    for selector in declaration["metric_selectors"]:
                        name = selector.strip("^$")
                        if not known(name, names):
                            problems.append(f"relay-region.yaml: {container['Name']} publishes {name}, which no code exports")
                        published.setdefault(name, []).extend(declaration["dimensions"])
    for alarm_name, alarm in template["Resources"].items():
        if alarm.get("Type") != "AWS::CloudWatch::Alarm":
            continue
        props = alarm["Properties"]
        stats = [props] + [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m]
        for stat in stats:
            if stat.get("Namespace") != "Relay":
                continue
            name = stat["MetricName"]
            dimensions = sorted(d["Name"] for d in stat.get("Dimensions", []))
            if name not in published:
                problems.append(f"relay-region.yaml: {alarm_name} reads {name}, which no agent publishes")
            elif dimensions not in [sorted(d) for d in published[name]]:
                problems.append(f"relay-region.yaml: {alarm_name} reads {name} by {dimensions}, published by {published[name]}")

    for line in problems:
        print(line)
    if not problems:
        print(f"monitoring: ok ({len(alerts)} alerts, {len(expressions)} dashboard queries, {len(published)} CloudWatch series)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
