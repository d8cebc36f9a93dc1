-- GET a path picked at random, for each request, from a file of paths (one a line), and tally
-- the page cache's answers (the X-Page-Cache header: hit, stale, miss, or none at all; "stale":
-- a page made before a change of what every page shows, served while it is made again), and
-- the answers sent gzip-compressed.
--   wrk ... -s bench/lua/paths.lua http://127.0.0.1:PORT -- /tmp/paths.txt
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

setup = common.setup

function init(args)
  paths = common.lines(args[1])
  math.randomseed(id * 7919 + os.time())
  hits, stale, misses, uncached, compressed = 0, 0, 0, 0, 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if headers["Content-Encoding"] == "gzip" then compressed = compressed + 1 end
  local cache = headers["X-Page-Cache"]
  if cache == "hit" then hits = hits + 1
  elseif cache == "stale" then stale = stale + 1
  elseif cache == "miss" then misses = misses + 1
  else uncached = uncached + 1 end
end

function done(summary, latency, requests)
  common.report({ "hits", "stale", "misses", "uncached", "compressed" })
end
