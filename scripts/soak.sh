#!/usr/bin/env bash
# Baton's reliability soak (issue 6): the long versions of the tests in
# baton-cli/src/test/java/dev/baton/cli/reliability, against real brokers, with kill -9 of orchestrators,
# brokers and workers, and a fuzzer. Prints the figures docs/reliability.md reports.
#
#   scripts/soak.sh                      # everything (about half an hour on 2 cores)
#   scripts/soak.sh crash hostile        # some of: crash failover broker cluster workers hostile oversized sasl upgrade definitions
#   scripts/soak.sh crash -Dbaton.soak.instances=2000 -Dbaton.soak.kills=5    # any figure can be changed
#   MVN="./mvnw -B -o" scripts/soak.sh   # offline, or another Maven
#
# Figures (names as in the tests): instances, kills, failoverInstances, failoverKills, brokerInstances, brokerOutages,
# clusterInstances, clusterRounds, clusterAloneSeconds, downInstances, scriptedInstances, upgradeChunk, hostileRecords,
# hostileValidInstances, hostileDefinitions, definitions; and -Dbaton.soak.seed=<n> to repeat a run. Child-process
# logs are kept in baton-cli/target/reliability/logs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn_cmd=${MVN:-./mvnw -B}

declare -A its=(
  [crash]=OrchestratorCrashIT [failover]=FailoverIT [broker]=BrokerRestartIT [cluster]=ClusterFaultsIT
  [workers]=WorkerFaultsIT
  [hostile]=HostileInputIT [oversized]=OversizedRecordsIT [sasl]=SaslIT [upgrade]=RollingUpgradeIT
)
order=(crash failover broker cluster workers hostile oversized sasl upgrade definitions)
selected=()
props=()
for arg in "$@"; do
  case "$arg" in
    -D*) props+=("$arg") ;;
    all) selected=("${order[@]}") ;;
    crash|failover|broker|cluster|workers|hostile|oversized|sasl|upgrade|definitions) selected+=("$arg") ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown test '$arg' (one of: ${order[*]}, or -Dbaton.soak.<name>=<value>)" >&2; exit 2 ;;
  esac
done
[ ${#selected[@]} -eq 0 ] && selected=("${order[@]}")

it_list=()
unit_list=none
for name in "${selected[@]}"; do
  if [ "$name" = definitions ]; then
    unit_list=DefinitionFuzzTest
  else
    it_list+=("${its[$name]}")
  fi
done
it_arg=none
[ ${#it_list[@]} -gt 0 ] && it_arg=$(IFS=,; echo "${it_list[*]}")

figures=baton-cli/target/reliability/figures.txt
echo "== building" >&2
$mvn_cmd -q install -DskipTests >&2
rm -f "$figures"
start=$(date +%s)
echo "== soak: ${selected[*]} (tests: $unit_list, $it_arg)" >&2
status=0
$mvn_cmd -pl baton-cli verify -Dbaton.soak=true \
    -Dtest="$unit_list" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test="$it_arg" -Dfailsafe.failIfNoSpecifiedTests=false \
    ${props[@]+"${props[@]}"} || status=$?
echo
echo "== figures ($(( ($(date +%s) - start) / 60 )) min; $( [ $status -eq 0 ] && echo 'all checks passed' || echo "FAILED, exit $status"))"
if [ -f "$figures" ]; then
  cat "$figures"
else
  echo "(no figures: see the Maven output above)"
fi
exit $status
