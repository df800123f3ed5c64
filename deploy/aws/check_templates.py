"""Structural checks of Relay's CloudFormation templates that cfn-lint cannot know.

    python3 deploy/aws/check_templates.py [--root REPO] [TEMPLATE ...]

Without TEMPLATE, checks deploy/aws/relay-region.yaml and deploy/aws/relay-global.yaml; a
template is checked as regional or global by its file name. Prints one line per violation (and
"<file>: ok" for a clean one); exit 0 clean, 1 violations, 2 could not check.

Regional template:
- database: not publicly accessible, storage encrypted with a KMS key, Multi-AZ, deletion
  protection and backups on by default, PostgreSQL 15, rds.force_ssl = 1, in subnets without a
  route to the internet gateway, its security group open to the tasks' security groups only;
- tasks: no public IP, only subnets without a route to the internet gateway;
- secrets: every secret-looking variable comes through `Secrets` from a Secrets Manager secret of
  the stack, never as a plain `Environment` value; secrets and bucket encrypted;
- IAM: no managed policies (not reviewable here); no statement grants a write action on `*`;
  each execution role reads exactly the secrets its task definitions use;
- variables: every `Environment` and `Secrets` name of a Relay container is one its executable
  reads (Sources/ of its modules, or the image's entrypoint), or the env: source of a key setting;
- regions: RegionId's allowed values, the RegionMap keys and the global records are the ids of
  regions/*.yaml; the RPO mapping and the lag alarm's threshold are each region's rpo_seconds;
  gateway_url / dr_url hosts and ports are the ones the listeners, records and containers use.
Needs PyYAML (Debian python3-yaml, or cfn-lint's venv).
"""

import argparse
import glob
import json
import os
import re
import sys
from urllib.parse import urlparse

import yaml

# ---------------------------------------------------------------------------------------------
# Loading: CloudFormation's short forms (!Ref, !Sub, !GetAtt, …) become their long forms.
# ---------------------------------------------------------------------------------------------


class CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _tag)


def load_template(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)


# ---------------------------------------------------------------------------------------------
# What the executables read.
# ---------------------------------------------------------------------------------------------

# The modules each executable is built from (Package.swift); RelayLocal is left out on purpose:
# its variables (RELAY_PG_BINDIR, …) are for local clusters and tests, never for a deployment.
EXECUTABLE_MODULES = {
    "relay-gateway": ["RelayCore", "RelaySystem", "RelayStore", "RelayPolicy", "RelayLedger", "RelayGateway", "relay-gateway"],
    "relay-dr": ["RelayCore", "RelaySystem", "RelayStore", "RelayLedger", "RelayReplication", "relay-dr"],
}
# Variables relay-dr sets for the hooks it runs (docs/failover.md); no executable reads them.
HOOK_VARIABLES = {"RELAY_EVENT_ID", "RELAY_EVENT_KIND", "RELAY_FROM", "RELAY_TO", "RELAY_EPOCH", "RELAY_HOOK"}
# Sidecars and what each may be given (their own documented settings).
SIDECAR_VARIABLES = {
    "cloudwatch-agent": {"CW_CONFIG_CONTENT", "PROMETHEUS_CONFIG_CONTENT"},
    "opa": set(),
    "init": set(),
}
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|PRIVATE_KEY|SEED)$")


def variables_read(root):
    """{executable: names} from `"RELAY_…"` literals in its modules, plus the entrypoint's."""
    with open(os.path.join(root, "scripts/container-entrypoint.sh"), encoding="utf-8") as f:
        entrypoint = set(re.findall(r"\$\{(RELAY_[A-Z0-9_]+)", f.read()))
    result = {}
    for executable, modules in EXECUTABLE_MODULES.items():
        names = set(entrypoint)
        for module in modules:
            for path in glob.glob(os.path.join(root, "Sources", module, "**", "*.swift"), recursive=True):
                with open(path, encoding="utf-8") as f:
                    names |= set(re.findall(r'"(RELAY_[A-Z0-9_]+)"', f.read()))
        result[executable] = names - HOOK_VARIABLES
    if "RELAY_DB_HOST" not in result["relay-gateway"]:
        raise SystemExit("check_templates: found no RELAY_DB_HOST in Sources/: wrong --root?")
    return result


def load_regions(root):
    regions = {}
    for path in sorted(glob.glob(os.path.join(root, "regions", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        regions[data["id"]] = data
    if not regions:
        raise SystemExit("check_templates: no regions/*.yaml under --root")
    return regions


# ---------------------------------------------------------------------------------------------
# Helpers over the template.
# ---------------------------------------------------------------------------------------------


def refs(value):
    """Logical ids a value refers to (Ref, GetAtt, ${X} in Sub), through If branches."""
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
                if isinstance(inner, list):
                    found |= refs(inner[1])
            else:
                found |= refs(inner)
    elif isinstance(value, list):
        for item in value:
            found |= refs(item)
    return found


def flat(value):
    """A list property with Fn::If branches flattened and AWS::NoValue dropped."""
    if isinstance(value, dict) and "Fn::If" in value:
        _, yes, no = value["Fn::If"]
        return flat(yes) + flat(no)
    if isinstance(value, list):
        out = []
        for item in value:
            out += flat(item)
        return out
    if value == {"Ref": "AWS::NoValue"}:
        return []
    return [value]


class Template:
    def __init__(self, path, data):
        self.path = path
        self.name = os.path.basename(path)
        self.data = data or {}
        self.resources = self.data.get("Resources", {}) or {}
        self.parameters = self.data.get("Parameters", {}) or {}
        self.mappings = self.data.get("Mappings", {}) or {}
        self.problems = []

    def problem(self, where, text):
        self.problems.append(f"{self.name}: {where}: {text}")

    def of_type(self, kind):
        return {name: r for name, r in self.resources.items() if isinstance(r, dict) and r.get("Type") == kind}

    def props(self, resource):
        return resource.get("Properties", {}) or {}

    def resolve(self, value, region=None):
        """A literal from Ref (parameter default, or RegionId = region), FindInMap, Sub of literals."""
        if isinstance(value, dict):
            if "Ref" in value:
                name = value["Ref"]
                if name == "RegionId" and region is not None:
                    return region
                if name in self.parameters:
                    return self.parameters[name].get("Default")
                return None
            if "Fn::FindInMap" in value:
                m, a, b = (self.resolve(x, region) for x in value["Fn::FindInMap"])
                return self.mappings.get(m, {}).get(a, {}).get(b)
            if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
                def sub(match):
                    resolved = self.resolve({"Ref": match.group(1)}, region)
                    return str(resolved) if resolved is not None else match.group(0)

                return re.sub(r"\$\{([A-Za-z0-9:]+)\}", sub, value["Fn::Sub"])
            return None
        return value


# ---------------------------------------------------------------------------------------------
# IAM.
# ---------------------------------------------------------------------------------------------

READ_VERBS = re.compile(r"^(Get|List|Describe|BatchGet|BatchCheck|Head|View|Search|Lookup|Query|Scan)")


def is_write(action):
    service, _, verb = action.partition(":")
    return "*" in action or not READ_VERBS.match(verb)


def as_list(value):
    return value if isinstance(value, list) else [value]


def check_iam(t):
    for name, role in {**t.of_type("AWS::IAM::Role"), **t.of_type("AWS::IAM::Policy"), **t.of_type("AWS::IAM::ManagedPolicy")}.items():
        props = t.props(role)
        if props.get("ManagedPolicyArns"):
            t.problem(name, "uses managed policies; write its statements inline so they can be checked here")
        documents = [p.get("PolicyDocument", {}) for p in props.get("Policies", []) or []]
        if "PolicyDocument" in props:
            documents.append(props["PolicyDocument"])
        for document in documents:
            for statement in as_list(document.get("Statement", [])):
                if statement.get("Effect") != "Allow":
                    continue
                if "NotResource" in statement or "NotAction" in statement:
                    t.problem(name, "NotResource/NotAction statements grant more than they name")
                    continue
                resources = as_list(statement.get("Resource", []))
                broad = [r for r in resources if isinstance(r, str) and (r == "*" or r.endswith(":*"))]
                if not broad:
                    continue
                for action in as_list(statement.get("Action", [])):
                    if is_write(action):
                        t.problem(name, f"grants {action} on Resource '{broad[0]}': name the resources it may change")


def secrets_read_by(t, role_name):
    read = set()
    for policy in t.props(t.resources[role_name]).get("Policies", []) or []:
        for statement in as_list(policy.get("PolicyDocument", {}).get("Statement", [])):
            if "secretsmanager:GetSecretValue" in as_list(statement.get("Action", [])):
                for resource in as_list(statement.get("Resource", [])):
                    read |= refs(resource)
    return read


# ---------------------------------------------------------------------------------------------
# The regional template.
# ---------------------------------------------------------------------------------------------


def public_subnets(t):
    """Subnets whose route table has a route to an internet gateway."""
    gateways = set(t.of_type("AWS::EC2::InternetGateway"))
    public_tables = set()
    for route in t.of_type("AWS::EC2::Route").values():
        props = t.props(route)
        if refs(props.get("GatewayId")) & gateways:
            public_tables |= refs(props.get("RouteTableId"))
    subnets = set()
    for association in t.of_type("AWS::EC2::SubnetRouteTableAssociation").values():
        props = t.props(association)
        if refs(props.get("RouteTableId")) & public_tables:
            subnets |= refs(props.get("SubnetId"))
    for name, subnet in t.of_type("AWS::EC2::Subnet").items():
        if t.props(subnet).get("MapPublicIpOnLaunch") is True:
            subnets.add(name)
    return subnets


def check_database(t, public):
    instances = t.of_type("AWS::RDS::DBInstance")
    if not instances:
        t.problem("Resources", "no AWS::RDS::DBInstance")
    task_groups = set()
    for service in t.of_type("AWS::ECS::Service").values():
        task_groups |= refs(t.props(service).get("NetworkConfiguration", {}).get("AwsvpcConfiguration", {}).get("SecurityGroups"))
    for name, db in instances.items():
        p = t.props(db)
        if p.get("PubliclyAccessible") is not False:
            t.problem(name, "the database is publicly accessible (PubliclyAccessible must be false)")
        if p.get("StorageEncrypted") is not True:
            t.problem(name, "StorageEncrypted must be true")
        if not p.get("KmsKeyId"):
            t.problem(name, "no KmsKeyId: encrypt with the stack's KMS key")
        if p.get("MultiAZ") is not True:
            t.problem(name, "MultiAZ must be true")
        if p.get("Engine") != "postgres" or not str(p.get("EngineVersion", "")).startswith("15"):
            t.problem(name, "must be PostgreSQL 15 (Engine postgres, EngineVersion 15.x)")
        if str(t.resolve(p.get("DeletionProtection"))).lower() != "true":
            t.problem(name, "DeletionProtection must be on (by default)")
        retention = t.resolve(p.get("BackupRetentionPeriod"))
        if not isinstance(retention, int) or retention < 7:
            t.problem(name, f"BackupRetentionPeriod {retention!r}: keep at least 7 days of backups")
        minimum = t.parameters.get((p.get("BackupRetentionPeriod") or {}).get("Ref", ""), {}).get("MinValue", retention)
        if isinstance(minimum, int) and minimum < 1:
            t.problem(name, "BackupRetentionPeriod may be set to 0 (automated backups off)")
        for group in refs(p.get("DBParameterGroupName")):
            params = t.props(t.resources.get(group, {})).get("Parameters", {})
            if str(params.get("rds.force_ssl")) != "1":
                t.problem(group, "rds.force_ssl must be 1 (TLS forced)")
        if not p.get("DBParameterGroupName"):
            t.problem(name, "no parameter group forcing TLS (rds.force_ssl)")
        for group in refs(p.get("DBSubnetGroupName")):
            subnets = refs(t.props(t.resources.get(group, {})).get("SubnetIds"))
            if subnets & public:
                t.problem(group, f"database subnets {sorted(subnets & public)} route to the internet")
        for group in refs(p.get("VPCSecurityGroups")):
            for rule in t.props(t.resources.get(group, {})).get("SecurityGroupIngress", []) or []:
                if "CidrIp" in rule or "CidrIpv6" in rule or not (refs(rule.get("SourceSecurityGroupId")) <= task_groups):
                    t.problem(group, f"database ingress {rule.get('Description', rule)} is not from a task security group")


def check_encryption(t):
    for name, bucket in t.of_type("AWS::S3::Bucket").items():
        p = t.props(bucket)
        block = p.get("PublicAccessBlockConfiguration", {})
        for key in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"):
            if block.get(key) is not True:
                t.problem(name, f"PublicAccessBlockConfiguration.{key} must be true")
        if p.get("VersioningConfiguration", {}).get("Status") != "Enabled":
            t.problem(name, "versioning must be enabled")
        rules = p.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
        if not any(r.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm") == "aws:kms" for r in rules):
            t.problem(name, "bucket encryption must be aws:kms")
    for name, secret in t.of_type("AWS::SecretsManager::Secret").items():
        if not t.props(secret).get("KmsKeyId"):
            t.problem(name, "secret without KmsKeyId")
    for name, repo in t.of_type("AWS::ECR::Repository").items():
        if t.props(repo).get("ImageScanningConfiguration", {}).get("ScanOnPush") is not True:
            t.problem(name, "ECR repository without scan on push")


def check_services(t, public):
    for name, service in t.of_type("AWS::ECS::Service").items():
        vpc = t.props(service).get("NetworkConfiguration", {}).get("AwsvpcConfiguration", {})
        if vpc.get("AssignPublicIp") != "DISABLED":
            t.problem(name, "tasks get a public IP (AssignPublicIp must be DISABLED)")
        subnets = refs(vpc.get("Subnets"))
        if not subnets:
            t.problem(name, "no subnets")
        if subnets & public:
            t.problem(name, f"tasks in public subnets {sorted(subnets & public)}")
        deployment = t.props(service).get("DeploymentConfiguration", {})
        breaker = deployment.get("DeploymentCircuitBreaker", {})
        if breaker.get("Enable") is not True or breaker.get("Rollback") is not True:
            t.problem(name, "deployments must roll back automatically (DeploymentCircuitBreaker)")


def container_executable(t, container):
    image_refs = refs(container.get("Image"))
    if not image_refs & set(t.of_type("AWS::ECR::Repository")):
        return None
    command = container.get("Command") or []
    return command[0] if command and command[0] in EXECUTABLE_MODULES else "?"


def check_task_definitions(t, read):
    secrets = set(t.of_type("AWS::SecretsManager::Secret"))
    for name, definition in t.of_type("AWS::ECS::TaskDefinition").items():
        p = t.props(definition)
        used_secrets = set()
        for container in p.get("ContainerDefinitions", []):
            where = f"{name}/{container.get('Name')}"
            executable = container_executable(t, container)
            environment = {e["Name"]: e.get("Value") for e in container.get("Environment", []) or []}
            injected = {s["Name"]: s.get("ValueFrom") for s in container.get("Secrets", []) or []}
            for variable, value in environment.items():
                if SECRET_NAME.search(variable):
                    t.problem(where, f"{variable} is a secret: pass it in Secrets (from Secrets Manager), never as a plain Environment value")
            for variable, source in injected.items():
                if not refs(source) & secrets:
                    t.problem(where, f"secret {variable} does not come from a Secrets Manager secret of this stack")
                used_secrets |= refs(source) & secrets
            if executable is None:
                allowed = SIDECAR_VARIABLES.get(container.get("Name"))
                if allowed is None:
                    t.problem(where, "unknown sidecar: list its variables in SIDECAR_VARIABLES")
                    continue
                for variable in sorted((set(environment) | set(injected)) - allowed):
                    t.problem(where, f"{variable} is not a setting of this sidecar")
                continue
            if executable == "?":
                t.problem(where, "a Relay container whose command is neither relay-gateway nor relay-dr")
                continue
            known = read[executable]
            # A key setting given as env:NAME makes NAME a variable the executable reads.
            via_key_source = {v[4:] for k, v in environment.items() if isinstance(v, str) and v.startswith("env:") and k in known}
            for variable in sorted(set(environment) | set(injected)):
                if variable not in known and variable not in via_key_source:
                    t.problem(where, f"no executable reads {variable} ({executable} does not; typo?)")
            for variable in via_key_source:
                if variable not in injected:
                    t.problem(where, f"{variable} (a key source) must come from Secrets")
        role = refs(p.get("ExecutionRoleArn"))
        for role_name in role:
            granted = secrets_read_by(t, role_name)
            if granted != used_secrets:
                t.problem(
                    role_name,
                    f"reads secrets {sorted(granted)} but {name} uses {sorted(used_secrets)}: each role reads its own secrets only",
                )


def listener_port(t, kind, region):
    for listener in t.of_type("AWS::ElasticLoadBalancingV2::Listener").values():
        p = t.props(listener)
        if p.get("Protocol") == kind:
            return t.resolve(p.get("Port"), region)
    return None


def check_regions(t, regions, read):
    ids = sorted(regions)
    region_param = t.parameters.get("RegionId", {})
    if sorted(region_param.get("AllowedValues", [])) != ids:
        t.problem("Parameters.RegionId", f"AllowedValues {region_param.get('AllowedValues')} are not the region files' ids {ids}")
    region_map = t.mappings.get("RegionMap", {})
    if sorted(region_map) != ids:
        t.problem("Mappings.RegionMap", f"keys {sorted(region_map)} are not the region files' ids {ids}")
    domain = t.parameters.get("DomainName", {}).get("Default")
    ports = t.mappings.get("Ports", {}).get("Relay", {})
    for rid, region in regions.items():
        where = f"regions/{rid}.yaml"
        rpo = region.get("targets", {}).get("rpo_seconds")
        if region_map.get(rid, {}).get("RpoSeconds") != rpo:
            t.problem("Mappings.RegionMap", f"{rid} RpoSeconds {region_map.get(rid, {}).get('RpoSeconds')} is not {where} rpo_seconds {rpo}")
        for name, alarm in t.of_type("AWS::CloudWatch::Alarm").items():
            if t.props(alarm).get("MetricName") == "relay_dr_replication_lag_seconds":
                threshold = t.resolve(t.props(alarm).get("Threshold"), rid)
                if threshold != rpo:
                    t.problem(name, f"threshold in {rid} is {threshold}, not {where} rpo_seconds {rpo}")
        gateway = urlparse(region["gateway_url"])
        dr = urlparse(region["dr_url"])
        if gateway.scheme != "https" or dr.scheme != "https":
            t.problem(where, "gateway_url and dr_url must be https:// behind the load balancers")
        if gateway.hostname != f"relay.{rid}.{domain}":
            t.problem(where, f"gateway_url host {gateway.hostname} is not relay.{rid}.{domain} (the failover record)")
        if dr.hostname != f"relay-dr.{rid}.{domain}":
            t.problem(where, f"dr_url host {dr.hostname} is not relay-dr.{rid}.{domain} (ReplicationRecord)")
        if (gateway.port or 443) != ports.get("GatewayListenerPort") or listener_port(t, "HTTPS", rid) != (gateway.port or 443):
            t.problem(where, f"gateway_url port {gateway.port or 443} is not the HTTPS listener's {listener_port(t, 'HTTPS', rid)}")
        if dr.port != ports.get("ReplicationListenerPort") or listener_port(t, "TLS", rid) != dr.port:
            t.problem(where, f"dr_url port {dr.port} is not the replication listener's {ports.get('ReplicationListenerPort')}")
    check_ports(t, ports)


def check_ports(t, ports):
    groups = t.of_type("AWS::ElasticLoadBalancingV2::TargetGroup")
    for name, definition in t.of_type("AWS::ECS::TaskDefinition").items():
        for container in t.props(definition).get("ContainerDefinitions", []):
            executable = container_executable(t, container)
            if executable not in EXECUTABLE_MODULES:
                continue
            where = f"{name}/{container.get('Name')}"
            environment = {e["Name"]: e.get("Value") for e in container.get("Environment", []) or []}
            mapped = [m.get("ContainerPort") for m in container.get("PortMappings", [])]
            if executable == "relay-gateway":
                expected = ports.get("GatewayContainerPort")
                served = int(environment.get("RELAY_API_PORT", 8000))
                if environment.get("RELAY_API_HOST") != "0.0.0.0":
                    t.problem(where, "RELAY_API_HOST must be 0.0.0.0 (the load balancer connects from outside the task)")
            else:
                expected = ports.get("ReplicationContainerPort")
                listen = environment.get("RELAY_DR_LISTEN", "")
                served = int(listen.rsplit(":", 1)[1]) if ":" in listen else None
            if mapped != [expected] or served != expected:
                t.problem(where, f"serves on {served}, maps {mapped}: the container port is {expected}")
            health = " ".join(container.get("HealthCheck", {}).get("Command", []))
            if f"127.0.0.1:{expected}/health" not in health:
                t.problem(where, f"health check does not ask 127.0.0.1:{expected}/health")
    for service_name, service in t.of_type("AWS::ECS::Service").items():
        for lb in t.props(service).get("LoadBalancers", []):
            for group in refs(lb.get("TargetGroupArn")):
                p = t.props(groups.get(group, {}))
                if t.resolve(p.get("Port")) != lb.get("ContainerPort"):
                    t.problem(group, f"port {t.resolve(p.get('Port'))} is not {service_name}'s container port {lb.get('ContainerPort')}")
                if p.get("HealthCheckPath") != "/health":
                    t.problem(group, "health checks must ask /health")


def check_region_template(t, root, regions, read):
    public = public_subnets(t)
    if not public:
        t.problem("Resources", "found no public subnet (route to an internet gateway): cannot tell private from public")
    check_database(t, public)
    check_encryption(t)
    check_services(t, public)
    check_iam(t)
    check_task_definitions(t, read)
    check_regions(t, regions, read)


# ---------------------------------------------------------------------------------------------
# The global template.
# ---------------------------------------------------------------------------------------------


def check_global_template(t, regions):
    ids = sorted(regions)
    records = t.of_type("AWS::Route53::RecordSet")
    latency = sorted(t.props(r).get("Region") for r in records.values() if t.props(r).get("SetIdentifier"))
    if latency != ids:
        t.problem("latency records", f"regions {latency} are not the region files' ids {ids}")
    checks = t.of_type("AWS::Route53::HealthCheck")
    checked = []
    for name, check in checks.items():
        config = t.props(check).get("HealthCheckConfig", {})
        if config.get("ResourcePath") != "/health" or config.get("Type") != "HTTPS":
            t.problem(name, "health checks must be HTTPS on /health")
        fqdn = t.resolve(config.get("FullyQualifiedDomainName")) or ""
        checked.append(fqdn.split(".origin.")[0])
    if sorted(checked) != ids:
        t.problem("health checks", f"check regions {sorted(checked)}, not {ids}")
    domain = t.parameters.get("DomainName", {}).get("Default")
    failover = {}
    for name, record in records.items():
        p = t.props(record)
        if p.get("SetIdentifier"):
            continue
        record_name = t.resolve(p.get("Name"))
        target = t.resolve(p.get("AliasTarget", {}).get("DNSName"))
        match = re.fullmatch(rf"relay\.([a-z0-9-]+)\.{re.escape(domain)}\.", record_name or "")
        if not match:
            t.problem(name, f"{record_name} is not a failover record relay.<region>.{domain}.")
            continue
        failover[match.group(1)] = target
        # What deploy/aws/hooks/route53-switch.sh writes at a failback: the region's own origin.
        if target != f"{match.group(1)}.origin.{domain}.":
            t.problem(name, f"{record_name} aliases {target}, not the region's origin {match.group(1)}.origin.{domain}.")
    if sorted(failover) != ids:
        t.problem("failover records", f"regions {sorted(failover)} are not {ids}")
    for rid, region in regions.items():
        host = urlparse(region["gateway_url"]).hostname
        if host != f"relay.{rid}.{domain}":
            t.problem(f"regions/{rid}.yaml", f"gateway_url host {host} is not the failover record relay.{rid}.{domain}")
    check_iam(t)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser.add_argument("templates", nargs="*")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    paths = args.templates or [os.path.join(root, "deploy/aws/relay-region.yaml"), os.path.join(root, "deploy/aws/relay-global.yaml")]
    try:
        regions = load_regions(root)
        read = variables_read(root)
    except (OSError, yaml.YAMLError, KeyError) as error:
        print(f"check_templates: cannot read the repository: {error}")
        return 2
    failed = False
    for path in paths:
        try:
            t = Template(path, load_template(path))
        except (OSError, yaml.YAMLError) as error:
            print(f"{os.path.basename(path)}: cannot load: {error}")
            return 2
        if "global" in t.name:
            check_global_template(t, regions)
        else:
            check_region_template(t, root, regions, read)
        for line in t.problems:
            print(line)
        if t.problems:
            failed = True
        else:
            print(f"{t.name}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
