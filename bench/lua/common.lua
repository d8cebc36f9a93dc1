-- Shared by the benchmark's wrk scripts (bench/run.py): thread ids, lines of a file, a clock,
-- and a tally of response statuses printed at the end as "BENCH <name> <count>" lines.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *now);
]]

local common = {}
local threads = {}

-- Give each thread its number (the global `id`) and keep it to read its tallies in done().
function common.setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function common.lines(path)
  local items = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(items, line) end
  end
  assert(#items > 0, "no line in " .. path)
  return items
end

-- Seconds on the monotonic clock (CLOCK_MONOTONIC is 1 on Linux).
function common.now()
  local now = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, now)
  return tonumber(now.tv_sec) + tonumber(now.tv_nsec) / 1e9
end

-- Return wrk's headers (those given with -H, such as User-Agent) with some more: wrk.format()
-- sends only the headers it is given, and the Host.
function common.headers(extra)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  for name, value in pairs(extra or {}) do headers[name] = value end
  return headers
end

-- Sum a global counter over the threads and print it for bench/run.py.
function common.report(names)
  for _, name in ipairs(names) do
    local total = 0
    for _, thread in ipairs(threads) do total = total + (thread:get(name) or 0) end
    io.write(string.format("BENCH %s %d\n", name, total))
  end
end

return common
