#!/usr/bin/env bash
# Pull the recorded shadow diff baselines from Prometheus as one JSON document (runbook §6).
#
#   PROM_URL=http://prometheus:9090 scripts/prometheus/pull_shadow_metrics.sh [-p PERIOD] [-s STEP] [-e ENV] [-o FILE]
#
#   -p PERIOD  how far back from now: 7d, 14d, 28d, 36h ... (default 14d; PERIOD env var)
#   -s STEP    resolution of the range query (default 1h; STEP env var); Prometheus refuses more
#              than 11,000 points per series, so 28d needs a step of at least 4m
#   -e ENV     only this env (default: every env)
#   -o FILE    write here instead of stdout
#   END        env var: end time (RFC 3339 or unix seconds; default now)
#
# Output: {"prom_url", "start", "end", "step", "env", "series": {RECORD: <query_range response>}}
# for the P50/P90/P95 recording rules (5m and 1d) of abs and rel diffs, the day-diff P90 and the
# breach counts, ready for scripts/prometheus/compute_shadow_thresholds.py.
# Needs curl and jq. Exit 1 on a bad argument, 2 when Prometheus answers with an error.
set -euo pipefail

PERIOD="${PERIOD:-14d}"
STEP="${STEP:-1h}"
ONLY_ENV=""
OUT=""
while getopts "p:s:e:o:h" opt; do
  case "$opt" in
    p) PERIOD="$OPTARG" ;;
    s) STEP="$OPTARG" ;;
    e) ONLY_ENV="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    h) sed -n '2,20p' "$0"; exit 0 ;;
    *) exit 1 ;;
  esac
done
: "${PROM_URL:?set PROM_URL, e.g. PROM_URL=http://127.0.0.1:9090}"
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required" >&2; exit 1; }

to_seconds() {  # 14d / 36h / 90m / 45s / plain seconds
  local v="$1" n unit
  n="${v%[smhdw]}"; unit="${v#"$n"}"
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "bad duration: $v" >&2; exit 1; }
  case "$unit" in
    ""|s) echo "$n" ;; m) echo $((n * 60)) ;; h) echo $((n * 3600)) ;;
    d) echo $((n * 86400)) ;; w) echo $((n * 604800)) ;;
  esac
}

period_s="$(to_seconds "$PERIOD")"
step_s="$(to_seconds "$STEP")"
if [[ -n "${END:-}" && ! "${END}" =~ ^[0-9]+$ ]]; then
  end="$(date -u -d "$END" +%s)"
else
  end="${END:-$(date -u +%s)}"
fi
start=$((end - period_s))
if (( period_s / step_s > 11000 )); then
  echo "period $PERIOD / step $STEP is more than 11000 points; raise -s" >&2
  exit 1
fi

selector=""
[[ -n "$ONLY_ENV" ]] && selector="{env=\"$ONLY_ENV\"}"

RECORDS=()
for m in abs rel; do
  for q in p50 p90 p95; do
    for w in 5m 1d; do RECORDS+=("env_field:meal_log_shadow_diff_${m}:${q}_${w}"); done
  done
done
RECORDS+=(
  "env_field:meal_log_day_diff_abs:p90_15m"
  "env_field:meal_log_shadow_diff_breach:increase15m"
  "env_field:meal_log_shadow_diff_breach:increase1d"
)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
i=0
for rec in "${RECORDS[@]}"; do
  i=$((i + 1))
  curl -fsS --max-time 60 -G "${PROM_URL%/}/api/v1/query_range" \
    --data-urlencode "query=${rec}${selector}" \
    --data-urlencode "start=${start}" \
    --data-urlencode "end=${end}" \
    --data-urlencode "step=${step_s}" > "$tmp/$i.json" || { echo "query failed: $rec" >&2; exit 2; }
  if [[ "$(jq -r .status "$tmp/$i.json")" != "success" ]]; then
    echo "Prometheus error for $rec: $(jq -c . "$tmp/$i.json")" >&2
    exit 2
  fi
  jq -n --arg rec "$rec" --slurpfile r "$tmp/$i.json" '{($rec): $r[0]}' > "$tmp/$i.part.json"
done

result="$(jq -s \
  --arg url "$PROM_URL" --arg startts "$start" --arg endts "$end" --arg step "$step_s" --arg env "$ONLY_ENV" \
  '{"prom_url": $url, "start": ($startts | tonumber), "end": ($endts | tonumber), "step": ($step | tonumber),
    "env": (if $env == "" then null else $env end), "series": (add)}' "$tmp"/*.part.json)"

if [[ -n "$OUT" ]]; then
  printf '%s\n' "$result" > "$OUT"
  echo "wrote $OUT ($(jq '[.series[].data.result | length] | add' "$OUT") series)" >&2
else
  printf '%s\n' "$result"
fi
