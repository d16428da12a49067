-- wrk script for scripts/load-bench.sh: replays the request paths listed in the file
-- named by the PATHS environment variable, each connection starting at its own offset,
-- and paces every connection with a fixed delay between its requests (PACE_MS), so
-- `wrk -c C` sends about C * 1000 / PACE_MS requests a second (Debian's wrk 4.1 has no
-- rate option). Non-2xx answers are counted as errors and printed at the end.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local pace = tonumber(os.getenv("PACE_MS") or "0")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
  table.insert(threads, thread)
end

function init(args)
  i = offset
  non2xx = 0
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status >= 300 then
    non2xx = non2xx + 1
  end
end

if pace > 0 then
  function delay()
    return pace
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
