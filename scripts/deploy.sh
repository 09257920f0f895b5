#!/usr/bin/env bash
# Deploys DefiYieldOpt to a GCP project: every HTTP function (gen2, private, secrets from Secret
# Manager), the invoker bindings that let the workflows' service account call them, every workflow in
# workflows/*.yaml (named after its file: pipeline, backtest, ...), and the Cloud Scheduler job that
# starts the pipeline workflow daily (the other workflows are run on demand).
#
#   scripts/deploy.sh --project ID --region REGION [--dry-run] [--only functions|workflow|scheduler[,...]]
#                     [--workflow NAME] [--functions-sa EMAIL] [--workflow-sa EMAIL] [--scheduler-sa EMAIL]
#                     [--env-file FILE] [--schedule CRON] [--skip-build]
#
# --workflow NAME deploys only workflows/NAME.yaml in the workflow part (and, without --only, only
# that part).
#
# Every flag has an environment-variable twin (PROJECT, REGION, FUNCTIONS_SA, WORKFLOW_SA,
# SCHEDULER_SA, DEPLOY_ENV_FILE, SCHEDULE); a flag wins. DEPLOY_STAGE_DIR moves the staging directory
# (default .deploy/functions, git-ignored). Service accounts default to
# yieldopt-{functions,workflow,scheduler}@PROJECT.iam.gserviceaccount.com.
#
# --dry-run prints the commands, one per line and shell-quoted, and runs nothing at all: no build,
# no staging, no gcloud call (not even a read). Local preparation steps appear as `# ` comment lines.
# The output depends only on the flags, the env file, functions/src/index.ts and the file names in
# workflows/ (stable order, fixed staging path), so it is reproducible and checked by
# test/deploy/deploy-dry-run.test.ts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAGE_DIR="${DEPLOY_STAGE_DIR:-.deploy/functions}"
# Every workflows/NAME.yaml is deployed as workflow NAME; only this one gets the scheduler job.
WORKFLOWS_DIR="workflows"
SCHEDULED_WORKFLOW="pipeline"
SCHEDULER_JOB="pipeline-daily"
RUNTIME="nodejs20"
FUNCTION_MEMORY="1GiB"
FUNCTION_TIMEOUT="540s"
# Secret env var -> Secret Manager secret (always the latest version). Same list as
# SECRET_ENV_NAMES in functions/src/lib/log.ts (minus the local-only LOCAL_FUNCTIONS_SECRET).
SECRETS="SLACK_BOT_TOKEN=slack-bot-token:latest,CMC_API_KEY=cmc-api-key:latest,ETHERSCAN_API_KEY=etherscan-api-key:latest"
# Variables that must never be deployed as plain env vars: secrets (Secret Manager only) and the
# local-emulator wiring (GCP sets or does not need them).
SECRET_VARS="SLACK_BOT_TOKEN CMC_API_KEY ETHERSCAN_API_KEY LOCAL_FUNCTIONS_SECRET"
LOCAL_ONLY_VARS="FIRESTORE_EMULATOR_HOST FUNCTIONS_BASE_URL METADATA_SERVER_DETECTION YIELDOPT_RUNS_DIR GOOGLE_CLOUD_PROJECT GCLOUD_PROJECT"

die() { echo "deploy: $*" >&2; exit 2; }
usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

PROJECT="${PROJECT:-}"
REGION="${REGION:-}"
FUNCTIONS_SA="${FUNCTIONS_SA:-}"
WORKFLOW_SA="${WORKFLOW_SA:-}"
SCHEDULER_SA="${SCHEDULER_SA:-}"
ENV_FILE="${DEPLOY_ENV_FILE:-}"
SCHEDULE="${SCHEDULE:-0 6 * * *}"
ONLY=""
ONLY_WORKFLOW=""
DRY_RUN=0
SKIP_BUILD=0

need_value() { [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --project|--region|--functions-sa|--workflow-sa|--scheduler-sa|--env-file|--schedule|--only|--workflow)
      need_value "$1" "${2:-}"
      case "$1" in
        --project) PROJECT="$2" ;; --region) REGION="$2" ;;
        --functions-sa) FUNCTIONS_SA="$2" ;; --workflow-sa) WORKFLOW_SA="$2" ;; --scheduler-sa) SCHEDULER_SA="$2" ;;
        --env-file) ENV_FILE="$2" ;; --schedule) SCHEDULE="$2" ;; --only) ONLY="$2" ;; --workflow) ONLY_WORKFLOW="$2" ;;
      esac
      shift 2 ;;
    --project=*|--region=*|--functions-sa=*|--workflow-sa=*|--scheduler-sa=*|--env-file=*|--schedule=*|--only=*|--workflow=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    --dry-run) DRY_RUN=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ -n "$PROJECT" ]] || die "missing project: pass --project ID or set PROJECT"
[[ -n "$REGION" ]] || die "missing region: pass --region REGION (e.g. europe-west1) or set REGION"
# Loose on purpose (domain-scoped ids contain ":" and "."); gcloud checks the rest.
[[ "$PROJECT" =~ ^[a-z0-9][a-z0-9.:-]*$ ]] || die "--project: \"$PROJECT\" is not a valid project id"
[[ "$REGION" =~ ^[a-z]+-[a-z]+[0-9]+$ ]] || die "--region: \"$REGION\" is not a region name like europe-west1"
FUNCTIONS_SA="${FUNCTIONS_SA:-yieldopt-functions@${PROJECT}.iam.gserviceaccount.com}"
WORKFLOW_SA="${WORKFLOW_SA:-yieldopt-workflow@${PROJECT}.iam.gserviceaccount.com}"
SCHEDULER_SA="${SCHEDULER_SA:-yieldopt-scheduler@${PROJECT}.iam.gserviceaccount.com}"
for sa in "$FUNCTIONS_SA" "$WORKFLOW_SA" "$SCHEDULER_SA"; do
  [[ "$sa" =~ ^[^@[:space:]]+@[^@[:space:]]+\.iam\.gserviceaccount\.com$ ]] || die "\"$sa\" is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)"
done

# --workflow NAME alone means "just that workflow"; otherwise the default is every part.
if [[ -z "$ONLY" ]]; then
  if [[ -n "$ONLY_WORKFLOW" ]]; then ONLY="workflow"; else ONLY="functions,workflow,scheduler"; fi
fi
DO_FUNCTIONS=0; DO_WORKFLOW=0; DO_SCHEDULER=0
IFS=',' read -r -a parts <<<"$ONLY"
for part in "${parts[@]}"; do
  case "$part" in
    functions) DO_FUNCTIONS=1 ;; workflow) DO_WORKFLOW=1 ;; scheduler) DO_SCHEDULER=1 ;;
    *) die "--only takes functions, workflow and/or scheduler (comma-separated), got \"$part\"" ;;
  esac
done
[[ -z "$ONLY_WORKFLOW" || $DO_WORKFLOW -eq 1 ]] || die "--workflow $ONLY_WORKFLOW: --only $ONLY does not include the workflow part"

# Workflow names: workflows/NAME.yaml -> NAME, in byte order (independent of the locale).
ALL_WORKFLOWS=()
for file in "$WORKFLOWS_DIR"/*.yaml; do
  [[ -f "$file" ]] || continue
  name="$(basename "$file" .yaml)"
  # GCP workflow ids: a letter first, then letters, digits, "-" or "_", at most 64, not ending in "-"/"_".
  [[ "$name" =~ ^[A-Za-z]([A-Za-z0-9_-]{0,62}[A-Za-z0-9])?$ ]] || die "$file: \"$name\" is not a valid workflow name (rename the file)"
  ALL_WORKFLOWS+=("$name")
done
if [[ ${#ALL_WORKFLOWS[@]} -gt 0 ]]; then
  mapfile -t ALL_WORKFLOWS < <(printf '%s\n' "${ALL_WORKFLOWS[@]}" | LC_ALL=C sort)
fi
WORKFLOWS=("${ALL_WORKFLOWS[@]}")
if [[ -n "$ONLY_WORKFLOW" ]]; then
  [[ " ${ALL_WORKFLOWS[*]} " == *" $ONLY_WORKFLOW "* ]] || die "--workflow: no $WORKFLOWS_DIR/$ONLY_WORKFLOW.yaml (workflows: ${ALL_WORKFLOWS[*]:-none})"
  WORKFLOWS=("$ONLY_WORKFLOW")
fi
[[ $DO_WORKFLOW -eq 0 || ${#WORKFLOWS[@]} -gt 0 ]] || die "found no workflows in $WORKFLOWS_DIR/*.yaml"
[[ $DO_SCHEDULER -eq 0 || " ${ALL_WORKFLOWS[*]} " == *" $SCHEDULED_WORKFLOW "* ]] || die "the scheduler job starts workflow $SCHEDULED_WORKFLOW, but $WORKFLOWS_DIR/$SCHEDULED_WORKFLOW.yaml does not exist"

# Same quoting rule as scripts/emulate.ts: bare when safe, else single quotes.
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then printf '%s' "$1"
  else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
print_cmd() {
  local out="" arg
  for arg in "$@"; do out+="${out:+ }$(quote "$arg")"; done
  printf '%s\n' "$out"
}
# Prints the command; runs it unless --dry-run.
run() {
  print_cmd "$@"
  if [[ $DRY_RUN -eq 0 ]]; then "$@"; fi
}
note() { printf '# %s\n' "$*"; }

# Function names from the FUNCTIONS map in functions/src/index.ts (`name,` or `name: handler,`
# entries), so no list is kept here. A real deploy cross-checks them with the compiled module.
function_names() {
  awk '/^export const FUNCTIONS[^_A-Za-z0-9]/ { inside = 1; next } inside && /^}\);/ { exit } inside' functions/src/index.ts |
    sed -e 's#//.*##' | grep -oE '^[[:space:]]*[A-Za-z_$][A-Za-z0-9_$]*[[:space:]]*[,:]' | tr -d ' \t,:' || true
}

# Non-secret runtime configuration for the functions: GOOGLE_CLOUD_PROJECT plus the KEY=VALUE lines
# of --env-file (comments and empty values skipped), sorted by key for a stable command line.
env_vars_flag() {
  local -a pairs=("GOOGLE_CLOUD_PROJECT=$PROJECT")
  if [[ -n "$ENV_FILE" ]]; then
    [[ -f "$ENV_FILE" ]] || die "--env-file: $ENV_FILE does not exist"
    local line key value lineno=0
    while IFS= read -r line || [[ -n "$line" ]]; do
      lineno=$((lineno + 1))
      line="${line%$'\r'}"
      [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
      line="${line#export }"
      [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || die "$ENV_FILE:$lineno: expected KEY=VALUE"
      key="${BASH_REMATCH[1]}"; value="${BASH_REMATCH[2]}"
      [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]] && value="${BASH_REMATCH[1]}"
      [[ -z "$value" ]] && continue
      [[ " $SECRET_VARS " == *" $key "* ]] && die "$ENV_FILE:$lineno: $key is a secret: store it in Secret Manager (see README), not in the env file"
      [[ " $LOCAL_ONLY_VARS " == *" $key "* ]] && die "$ENV_FILE:$lineno: $key is local-emulator wiring and must not be deployed"
      [[ "$value" =~ (localhost|127\.0\.0\.1|\[::1\]) ]] && die "$ENV_FILE:$lineno: $key points at this machine ($value)"
      pairs+=("$key=$value")
    done <"$ENV_FILE"
  fi
  local sorted joined delim=","
  sorted="$(printf '%s\n' "${pairs[@]}" | LC_ALL=C sort -t= -k1,1 -u)"
  # gcloud's alternate-delimiter syntax (`gcloud topic escaping`) when a value contains a comma.
  if [[ "$sorted" == *,* ]]; then
    [[ "$sorted" == *"|"* ]] && die "env values contain both ',' and '|'; gcloud cannot take them in one flag"
    delim="|"
  fi
  joined="$(printf '%s\n' "$sorted" | paste -sd "$delim" -)"
  if [[ "$delim" == "|" ]]; then printf -- '--set-env-vars=^|^%s' "$joined"; else printf -- '--set-env-vars=%s' "$joined"; fi
}

mapfile -t NAMES < <(function_names)
[[ ${#NAMES[@]} -gt 0 ]] || die "found no function names in the FUNCTIONS map of functions/src/index.ts"
ENV_FLAG="$(env_vars_flag)"
FUNCTIONS_BASE_URL="https://${REGION}-${PROJECT}.cloudfunctions.net"
EXECUTIONS_URI="https://workflowexecutions.googleapis.com/v1/projects/${PROJECT}/locations/${REGION}/workflows/${SCHEDULED_WORKFLOW}/executions"

if [[ $DRY_RUN -eq 0 ]]; then
  command -v gcloud >/dev/null || die "gcloud is not installed (https://cloud.google.com/sdk/docs/install)"
  command -v node >/dev/null || die "node is not installed"
fi

if [[ $DO_FUNCTIONS -eq 1 ]]; then
  note "build: npm run -s build (skipped with --skip-build)"
  note "stage: node dist/scripts/deploy/stage-functions.js $STAGE_DIR"
  if [[ $DRY_RUN -eq 0 ]]; then
    [[ $SKIP_BUILD -eq 1 ]] || npm run -s build
    # Stages the runtime-only package and prints the compiled FUNCTION_NAMES, one per line.
    mapfile -t BUILT < <(node dist/scripts/deploy/stage-functions.js "$STAGE_DIR")
    [[ "${BUILT[*]}" == "${NAMES[*]}" ]] || die "FUNCTION_NAMES of the build (${BUILT[*]}) differ from functions/src/index.ts (${NAMES[*]}): rebuild"
  fi
  for name in "${NAMES[@]}"; do
    run gcloud functions deploy "$name" --gen2 "--runtime=$RUNTIME" "--region=$REGION" "--project=$PROJECT" \
      --trigger-http --no-allow-unauthenticated "--entry-point=$name" "--source=$STAGE_DIR" \
      "--service-account=$FUNCTIONS_SA" "--memory=$FUNCTION_MEMORY" "--timeout=$FUNCTION_TIMEOUT" \
      "$ENV_FLAG" "--set-secrets=$SECRETS" --quiet
  done
  # gen2 functions are Cloud Run services: this grants roles/run.invoker on each one.
  for name in "${NAMES[@]}"; do
    run gcloud functions add-invoker-policy-binding "$name" "--region=$REGION" "--project=$PROJECT" \
      "--member=serviceAccount:$WORKFLOW_SA"
  done
fi

if [[ $DO_WORKFLOW -eq 1 ]]; then
  # All workflows run as the same account (run.invoker on every function, granted above).
  for name in "${WORKFLOWS[@]}"; do
    run gcloud workflows deploy "$name" "--source=$WORKFLOWS_DIR/$name.yaml" "--location=$REGION" "--project=$PROJECT" \
      "--service-account=$WORKFLOW_SA" "--set-env-vars=FUNCTIONS_BASE_URL=$FUNCTIONS_BASE_URL"
  done
fi

if [[ $DO_SCHEDULER -eq 1 ]]; then
  # create and update take the same flags; update is used when the job already exists. A dry run
  # does not ask GCP, so it prints `create`.
  verb=create
  if [[ $DRY_RUN -eq 0 ]] && gcloud scheduler jobs describe "$SCHEDULER_JOB" "--location=$REGION" "--project=$PROJECT" --format=value\(name\) >/dev/null 2>&1; then
    verb=update
  fi
  [[ $DRY_RUN -eq 1 ]] && note "scheduler: 'update http' with the same flags if the job already exists"
  run gcloud scheduler jobs "$verb" http "$SCHEDULER_JOB" "--location=$REGION" "--project=$PROJECT" \
    "--schedule=$SCHEDULE" --time-zone=UTC "--uri=$EXECUTIONS_URI" --http-method=POST \
    '--message-body={"argument":"{}"}' "--oauth-service-account-email=$SCHEDULER_SA"
fi

if [[ $DRY_RUN -eq 0 ]]; then echo "deploy: done" >&2; fi
