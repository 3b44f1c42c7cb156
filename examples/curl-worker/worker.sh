#!/usr/bin/env bash
# A worker outside JobPulse that reports the progress of its job with nothing but curl: the REST contract of
# docs/external-jobs.md in a script you can copy. It does TOTAL steps of (pretend) work, INTERVAL seconds each,
# reports each one with a numbered report (so that a retried request changes nothing), and reports the result at the
# end. It stops at once when the answer to a report says the job was cancelled, or that the job has ended already.
#
#   worker.sh REPORT_URL REPORT_TOKEN TOTAL [INTERVAL]
#
# REPORT_URL and REPORT_TOKEN are the links.report and reportToken of the answer to the job's submission. The
# integration tests run this script against every server (ExternalJobsIT), and kill it with SIGKILL mid-job to see the
# job end FAILED worker_lost after its heartbeat timeout.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 REPORT_URL REPORT_TOKEN TOTAL [INTERVAL]" >&2
  exit 2
fi
report_url=$1
token=$2
total=$3
interval=${4:-1}
answer=$(mktemp)
trap 'rm -f "$answer"' EXIT

# report ID BODY: POSTs one report; retries what never got an answer (the report id makes a retry harmless).
# Answers 0 to go on, 1 when the job was cancelled or has ended (the worker stops), exits on any other refusal.
report() {
  local status
  status=$(curl -s -o "$answer" -w '%{http_code}' --retry 5 --retry-connrefused --max-time 10 \
    -X POST "$report_url" \
    -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "$2")
  case $status in
    200)
      if grep -q '"cancel":true' "$answer"; then
        echo "report $1: the job was cancelled; stopping"
        return 1
      fi
      return 0 ;;
    409)
      echo "report $1: the job has ended: $(cat "$answer")"
      return 1 ;;
    429)
      # over the job's report rate: this report is dropped; the next one carries newer progress anyway
      return 0 ;;
    *)
      echo "report $1 refused with HTTP $status: $(cat "$answer")" >&2
      exit 1 ;;
  esac
}

for ((step = 1; step <= total; step++)); do
  sleep "$interval" # the work of one step
  report "$step" "{\"id\":$step,\"progress\":{\"done\":$step,\"total\":$total,\"message\":\"step $step of $total\"}}" \
    || exit 0
done
report $((total + 1)) "{\"id\":$((total + 1)),\"result\":{\"steps\":$total}}" || exit 0
echo "done: $(cat "$answer")"
