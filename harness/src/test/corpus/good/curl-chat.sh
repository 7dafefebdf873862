#!/usr/bin/env bash
# Good client: a shell script on curl and jq, as an ops team would write one for a chat bot, written
# apart from the Node app of this corpus. Chat Completions; streams when CHAOSGATE_STREAM is true
# and reads the events after curl ends. Policy: up to 3 attempts; 5xx, rate-limit 429 and
# connection failures are retried after about 0.5 s then 1 s (±20 %), or after what Retry-After /
# retry-after-ms ask (a wait over 60 s: its own backoff instead); 400/401/403/404, quota and
# "Request too large" 429s and x-should-retry: false are not; at most 2 attempts may time out
# (14 s without a byte, 60 s in all). A stream without [DONE], with an error frame, reset or stalled
# is shown as far as it came and marked interrupted, never replayed. The prompt stays in the draft.
set -u
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "curl-chat.sh needs $tool: install it (Debian: apt-get install $tool)" >&2; exit 2; }
done

base="${CHAOSGATE_BASE_URL:-${OPENAI_BASE_URL:-http://127.0.0.1:8080/v1}}"
prompt="${CHAOSGATE_PROMPT:-Hello}"
stream=false
[ "${CHAOSGATE_STREAM:-}" = "true" ] && stream=true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

show() { local text="${1//$'\r'/}"; printf 'SHOWN: %s\n' "${text//$'\n'/\\n}"; }
give_up() { show "$1"; printf 'DRAFT: %s\n' "$prompt"; exit 0; }

payload="$(jq -cn --arg p "$prompt" --argjson s "$stream" '{model: "gpt-4o-mini", stream: $s, messages: [{role: "user", content: $p}]}')"

# Seconds to wait as asked by the last answer's headers, or nothing when there is no usable value.
asked_wait() {
  local ms ra when now
  ms="$(grep -i '^retry-after-ms:' "$work/head" | tail -1 | cut -d: -f2- | tr -d ' \r')"
  if [[ "$ms" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }'; return; fi
  ra="$(grep -i '^retry-after:' "$work/head" | tail -1 | cut -d: -f2- | sed 's/^ *//; s/\r$//')"
  [ -z "$ra" ] && return
  [[ "$ra" == -* ]] && return
  if [[ "$ra" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then echo "$ra"; return; fi
  when="$(date -d "$ra" +%s.%N 2>/dev/null)" || return
  now="$(date +%s.%N)"
  awk -v w="$when" -v n="$now" 'BEGIN { if (w > n) printf "%.3f", w - n }'
}

attempt=1
timeouts=0
while :; do
  rm -f "$work/head" "$work/body"
  status="$(curl -sS -N -o "$work/body" -D "$work/head" -w '%{http_code}' --speed-limit 1 --speed-time 14 -m 60 \
    -H 'content-type: application/json' -H "authorization: Bearer ${OPENAI_API_KEY:-sk-test}" \
    --data-binary "$payload" "$base/chat/completions" 2>"$work/err")"
  code=$?
  [ -f "$work/head" ] || : >"$work/head"
  [ -f "$work/body" ] || : >"$work/body"
  if $stream && [ "$status" = "200" ]; then
    text="$(grep '^data: {' "$work/body" | sed 's/^data: //' | jq -rj 'select(.choices) | .choices[0].delta.content // empty' 2>/dev/null)"
    error_frame="$(grep '^data: {' "$work/body" | sed 's/^data: //' | jq -c 'select(.error)' 2>/dev/null | head -1)"
    if grep -q '^data: \[DONE\]' "$work/body" && [ -z "$error_frame" ] && [ "$code" -eq 0 ]; then
      show "$text"; printf 'DRAFT: \n'; exit 0
    fi
    [ -n "$text" ] && show "$text"
    give_up "The reply was cut off before it was complete. Press Regenerate to get a full answer."
  fi
  if [ "$status" = "200" ] && [ "$code" -eq 0 ]; then
    text="$(jq -r '.choices[0].message.content // empty' "$work/body" 2>/dev/null)"
    if [ -n "$text" ]; then show "$text"; printf 'DRAFT: \n'; exit 0; fi
    kind=bad_reply; retry=yes
  elif [ "$status" = "000" ] || [ "$code" -ne 0 ]; then
    if [ "$code" -eq 28 ]; then kind=timeout; timeouts=$((timeouts + 1)); else kind=connection; fi
    retry=yes
  else
    body="$(tr -d '\r' <"$work/body")"
    retry=no
    case "$status" in
      429)
        if grep -qiE 'insufficient_quota|credit_balance|exceeded your current quota' <<<"$body"; then kind=quota
        elif grep -qiE 'request too large|must be reduced' <<<"$body"; then kind=too_large
        else kind=rate_limited; retry=yes; fi ;;
      403) if grep -qiE 'unsupported_country|region' <<<"$body"; then kind=region; else kind=blocked; fi ;;
      401) kind=auth ;;
      400|404|422) kind=invalid ;;
      503) kind=busy; retry=yes ;;
      504|524) kind=timeout; retry=yes; timeouts=$((timeouts + 1)) ;;
      5*) kind=server; retry=yes ;;
      *) kind=invalid ;;
    esac
    grep -qi '^x-should-retry: *false' "$work/head" && retry=no
  fi
  if [ "$retry" = yes ] && [ "$attempt" -lt 3 ] && [ "$timeouts" -lt 2 ]; then
    wait_s="$(asked_wait)"
    if [ -n "$wait_s" ] && awk -v w="$wait_s" 'BEGIN { exit !(w <= 60) }'; then
      wait_s="$(awk -v w="$wait_s" -v j="$RANDOM" 'BEGIN { printf "%.3f", w + 0.1 + (j % 150) / 1000 }')"
    else
      wait_s="$(awk -v n="$attempt" -v j="$RANDOM" 'BEGIN { printf "%.3f", 0.5 * 2 ^ (n - 1) * (0.8 + (j % 400) / 1000) }')"
    fi
    sleep "$wait_s"
    attempt=$((attempt + 1))
    continue
  fi
  case "$kind" in
    quota) give_up "The chat bot has run out of its AI credit, so it cannot answer. Waiting will not fix this; please tell the team that runs it." ;;
    too_large) give_up "That message is too long for the AI to take in one go. Please make it shorter or send it in parts." ;;
    blocked) give_up "Your connection was blocked by the service's firewall (error 1020). This will not go away by retrying: turn off any VPN or proxy or use another network, then contact support if it persists." ;;
    region) give_up "The AI service does not serve your country or region. Retrying will not change that; check your VPN location." ;;
    auth) give_up "The chat bot's API key was rejected by the AI service. Please tell the team that runs it; retrying will not help." ;;
    invalid) give_up "The AI service refused the chat bot's request (the model or the request is invalid). Please tell the team that runs it." ;;
    busy) give_up "The AI service is too busy at the moment. Your message is still here; please try again in a few minutes." ;;
    rate_limited) give_up "Too many messages in a short time. Your message is still here; wait a minute, then send it again." ;;
    timeout) give_up "No answer from the AI service: the request timed out. Your message is still here; please send it again." ;;
    connection) give_up "Could not connect to the AI service. Your message is still here; please send it again." ;;
    *) give_up "The AI service is having a temporary problem (bad gateway). Your message is still here; please try again in a few minutes." ;;
  esac
done
