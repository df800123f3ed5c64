#!/bin/sh
# relay-dr on_route_change hook for AWS: points a region's failover record at the region that now
# serves its traffic, in Route 53, with the AWS CLI.
#
#   on_route_change:
#     command: /opt/relay/hooks/route53-switch.sh --hosted-zone-id Z0123456789ABC --domain example.com
#
# relay-dr runs it with RELAY_HOOK=on_route_change, RELAY_EVENT_KIND (switchover, failover,
# failback), RELAY_FROM, RELAY_TO, RELAY_EVENT_ID and RELAY_EPOCH (docs/failover.md, "Hooks").
#   switchover / failover --from A --to B:  relay.A.<domain>  → alias of B.origin.<domain>
#   failback --to A (RELAY_FROM = the successor):  relay.A.<domain>  → alias of A.origin.<domain>
# The names are those of deploy/aws/relay-global.yaml (failover records) and relay-region.yaml
# (origin records), as regions/<id>.yaml's gateway_url says: https://relay.<id>.<domain>.
#
# Options: --hosted-zone-id ID (required), --domain NAME (required), --dry-run (print the change
# batch on standard output and change nothing; needs no AWS CLI), --no-wait (do not wait until
# Route 53 reports the change INSYNC). Exit 0 done, 1 the AWS CLI failed, 2 usage.
set -eu

die() { echo "route53-switch: $*" >&2; exit 2; }

zone= domain= dry_run=0 wait=1
while [ $# -gt 0 ]; do
    case $1 in
    --hosted-zone-id) [ $# -ge 2 ] || die "--hosted-zone-id needs a value"; zone=$2; shift 2 ;;
    --domain) [ $# -ge 2 ] || die "--domain needs a value"; domain=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --no-wait) wait=0; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ -n "$zone" ] || die "--hosted-zone-id is required"
[ -n "$domain" ] || die "--domain is required"
printf '%s' "$zone" | grep -Eq '^Z[A-Z0-9]{1,32}$' || die "--hosted-zone-id '$zone' is not a hosted zone id"
printf '%s' "$domain" | grep -Eq '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$' || die "--domain '$domain' is not a domain name"

[ "${RELAY_HOOK:-}" = on_route_change ] || die "run me as the on_route_change hook (RELAY_HOOK is '${RELAY_HOOK:-}'); I change DNS, which pre_promote must not"
kind=${RELAY_EVENT_KIND:-}
from=${RELAY_FROM:-}
to=${RELAY_TO:-}
for pair in "RELAY_FROM=$from" "RELAY_TO=$to"; do
    value=${pair#*=}
    # The id goes into DNS names and JSON: region ids only ([a-z0-9-], at most 32).
    printf '%s' "$value" | grep -Eq '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$' || die "${pair%%=*} '$value' is not a region id"
done
case $kind in
switchover | failover) moved=$from serving=$to ;;
failback) moved=$to serving=$to ;;
*) die "RELAY_EVENT_KIND '$kind' is not switchover, failover or failback" ;;
esac
event=$(printf '%s' "${RELAY_EVENT_ID:-}" | tr -cd 'A-Za-z0-9:._-' | cut -c1-80)
epoch=$(printf '%s' "${RELAY_EPOCH:-}" | tr -cd '0-9')

name="relay.$moved.$domain."
target="$serving.origin.$domain."
batch=$(cat <<JSON
{
  "Comment": "relay-dr $kind $event: $name served by $serving (epoch ${epoch:-?})",
  "Changes": [
    {
      "Action": "UPSERT",
      "ResourceRecordSet": {
        "Name": "$name",
        "Type": "A",
        "AliasTarget": {"HostedZoneId": "$zone", "DNSName": "$target", "EvaluateTargetHealth": true}
      }
    }
  ]
}
JSON
)

if [ "$dry_run" = 1 ]; then
    echo "route53-switch: dry run: would send this change batch to hosted zone $zone" >&2
    printf '%s\n' "$batch"
    exit 0
fi

command -v aws >/dev/null 2>&1 || die "the AWS CLI (aws) is not on PATH; install it where the coordinator runs"
file=$(mktemp "${TMPDIR:-/tmp}/route53-switch.XXXXXX")
trap 'rm -f "$file"' EXIT
printf '%s\n' "$batch" >"$file"
echo "route53-switch: $name → $target (hosted zone $zone)"
if ! change=$(aws route53 change-resource-record-sets --hosted-zone-id "$zone" --change-batch "file://$file" \
    --query ChangeInfo.Id --output text); then
    echo "route53-switch: Route 53 refused the change (see above)" >&2
    exit 1
fi
echo "route53-switch: submitted $change"
if [ "$wait" = 1 ]; then
    aws route53 wait resource-record-sets-changed --id "$change" || { echo "route53-switch: $change not INSYNC yet" >&2; exit 1; }
    echo "route53-switch: $change is INSYNC"
fi
