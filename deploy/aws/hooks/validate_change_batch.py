"""Checks a Route 53 change batch (standard input) against the Route 53 API model offline.

    route53-switch.sh ... --dry-run | python3 validate_change_batch.py HOSTED_ZONE_ID

Uses botocore, the library under the AWS CLI, with its bundled service model: the same
parameter validation `aws route53 change-resource-record-sets` does before it sends anything.
Exit 0 valid, 1 invalid (the problems printed), 2 usage.
"""

import json
import sys

import botocore.session
from botocore.validate import ParamValidator


def constraints(value, shape, path, problems):
    """What ParamValidator leaves out: enum values, string lengths and list sizes of the model."""
    meta = shape.metadata
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in value.items():
            if name in shape.members:
                constraints(member, shape.members[name], f"{path}.{name}", problems)
    elif shape.type_name == "list" and isinstance(value, list):
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{path}: {len(value)} item(s), at least {meta['min']}")
        for index, item in enumerate(value):
            constraints(item, shape.member, f"{path}[{index}]", problems)
    elif shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: '{value}' is not one of {', '.join(shape.enum)}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} characters, at most {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{path}: {len(value)} characters, at least {meta['min']}")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        batch = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        print(f"not JSON: {error}")
        return 1
    model = botocore.session.get_session().get_service_model("route53")
    shape = model.operation_model("ChangeResourceRecordSets").input_shape
    params = {"HostedZoneId": sys.argv[1], "ChangeBatch": batch}
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        print(report.generate_report())
        return 1
    problems = []
    constraints(params, shape, "input", problems)
    if problems:
        print("\n".join(problems))
        return 1
    print(f"valid ChangeResourceRecordSets input ({len(batch['Changes'])} change(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
