#!/usr/bin/env bash
# Soak: many random jobs (GEMMs and convolutions of random shape, under random
# memory latency, stalls and initial state), each derived from its own seed,
# run in parallel processes across the machine's cores.
#
#   scripts/soak.sh [JOBS] [FIRST_SEED]      run JOBS jobs (default 1000), seeds FIRST_SEED.. (default: from the clock)
#   scripts/soak.sh --job SEED               run the one job of SEED (what each process, or a cluster task, runs)
#   scripts/soak.sh --show SEED              print the command the job of SEED runs
#
# Environment: ABACUS (the abacus binary; default build/sw/abacus), SOAK_PARALLEL
# (processes; default nproc), SOAK_TIMEOUT (seconds per job; default 900).
# A failing job prints its seed and command; rerun it alone with --job SEED.
#
# On a cluster, each task runs one job, the same entry point; e.g. a Slurm array:
#   #SBATCH --array=0-9999
#   scripts/soak.sh --job $((BASE_SEED + SLURM_ARRAY_TASK_ID))
# (exit status 0 pass, 1 fail; the job's output names the seed.)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
abacus=${ABACUS:-$root/build/sw/abacus}

job_command() {  # the command line of the job of seed $1: everything from the seed
  RANDOM=$(( $1 % 32768 ))
  local x=$(( ($1 / 32768) % 32768 )) i
  for ((i = 0; i < x % 97; i++)); do : "$RANDOM"; done
  local lat=$(( RANDOM % 4 == 0 ? 0 : RANDOM % 200 ))
  local stall=$(( RANDOM % 3 == 0 ? 0 : RANDOM % 30 ))
  local common="--seed $1 --mem-latency $lat --mem-stall 0.$(printf %02d $stall)"
  (( RANDOM % 2 )) && common="$common --rand-reset"
  if (( RANDOM % 2 )); then
    echo "gemm --m $(( RANDOM % 200 + 1 )) --n $(( RANDOM % 200 + 1 )) --k $(( RANDOM % 300 + 1 )) $common"
  else
    local r=$(( (RANDOM % 3) * 2 + 1 )) h=$(( RANDOM % 18 + 3 )) w=$(( RANDOM % 18 + 3 ))
    local c=$(( RANDOM % 48 + 1 )) k=$(( RANDOM % 48 + 1 )) stride=$(( RANDOM % 2 + 1 )) groups=1
    (( h < r )) && h=$r
    (( w < r )) && w=$r
    if (( RANDOM % 4 == 0 )); then groups=$c; k=$c; fi  # depthwise
    echo "conv --h $h --w $w --c $c --k $k --r $r --s $r --stride $stride --groups $groups $common"
  fi
}

case ${1:-} in
  --show) job_command "$2"; exit 0 ;;
  --job)
    cmd=$(job_command "$2")
    out=$(timeout "${SOAK_TIMEOUT:-900}" "$abacus" $cmd 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then echo "soak: seed $2: PASS"; exit 0; fi
    echo "soak: seed $2: FAIL (exit $rc): abacus $cmd"
    printf '%s\n' "$out" | grep -E "result|error|timeout|violation" | head -5 | sed 's/^/    /'
    exit 1 ;;
esac

jobs=${1:-1000}
first=${2:-$(date +%s)}
[[ $jobs =~ ^[0-9]+$ && $first =~ ^[0-9]+$ ]] || { echo "usage: scripts/soak.sh [JOBS] [FIRST_SEED] | --job SEED | --show SEED" >&2; exit 2; }
[ -x "$abacus" ] || { echo "soak: $abacus is not built (make build)" >&2; exit 2; }
par=${SOAK_PARALLEL:-$(nproc)}
log=$(mktemp)
echo "soak: $jobs jobs, seeds $first..$((first + jobs - 1)), $par processes"
start=$(date +%s)
seq "$first" $((first + jobs - 1)) | xargs -P "$par" -I{} "$0" --job {} >"$log"
fails=$(grep -c ": FAIL" "$log")
grep -A5 ": FAIL" "$log" | grep -v "^--$"
echo "soak: $jobs jobs in $(( $(date +%s) - start )) s: $((jobs - fails)) passed, $fails failed (replay one: scripts/soak.sh --job SEED)"
rm -f "$log"
[ "$fails" -eq 0 ]
