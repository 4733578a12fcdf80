-- wrk script of the benchmark: an optional form POST, an optional list of paths, and a
-- one-line JSON summary at the end.
-- BENCH_BODY_FILE names a file holding an urlencoded form body (with its CSRF token);
-- without it the requests are GETs.
-- BENCH_PATHS_FILE names a file of paths, one a line: each request asks for one of them at
-- random (many citizens, each checking their own number); without it, the URL's own path.
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local paths_file = os.getenv("BENCH_PATHS_FILE")
if paths_file and paths_file ~= "" then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  assert(#paths > 0, "BENCH_PATHS_FILE holds no path")
  request = function()
    return wrk.format(nil, paths[math.random(#paths)])
  end
end

done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p99_us": %.0f, ' ..
    '"connect": %.0f, "read": %.0f, "write": %.0f, "timeout": %.0f, "status": %.0f}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
end
