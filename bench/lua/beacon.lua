-- POST the view beacon (/vues/<pk>/) of an article picked at random from a file of ids, each
-- request from a visitor of its own: a unique X-Forwarded-For, read by the server when started
-- with CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR, so that the server's dedupe counts every one.
--   wrk ... -s bench/lua/beacon.lua URL -- <ids file> <run number> <seconds> <margin seconds>
-- Real beacons stop <margin> seconds before the end of the run; the last requests go to /vues/0/
-- (no such article: answered 204, counted nowhere), so that no counted beacon is still in flight
-- when wrk stops. "BENCH beacons <n>" tells how many real beacons were sent.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

setup = common.setup

function init(args)
  ids = common.lines(args[1])
  run = tonumber(args[2])
  deadline = common.now() + tonumber(args[3]) - tonumber(args[4])
  math.randomseed(id * 7919 + os.time())
  sent, beacons, answered_204, other_status = 0, 0, 0, 0
  -- wrk builds one request in its first thread only to check it, and never sends it: make that
  -- one a beacon for no article, so that "beacons" counts only what was sent.
  unchecked = id == 1
end

function request()
  sent = sent + 1
  local pk = "0"
  if unchecked then
    unchecked = false
  elseif common.now() < deadline then
    pk = ids[math.random(#ids)]
    beacons = beacons + 1
  end
  -- A valid IPv6 address (groups of 16 bits), else the server falls back to the socket's.
  local visitor = string.format("fd00:%x:%x:%x::%x", run, id, math.floor(sent / 65536), sent % 65536)
  -- Sec-Fetch-Site: as a browser says of the page's own beacon (others count nothing).
  local headers = common.headers({ ["X-Forwarded-For"] = visitor, ["Sec-Fetch-Site"] = "same-origin" })
  return wrk.format("POST", "/vues/" .. pk .. "/", headers, "")
end

function response(status, headers, body)
  if status == 204 then answered_204 = answered_204 + 1 else other_status = other_status + 1 end
end

function done(summary, latency, requests)
  common.report({ "beacons", "answered_204", "other_status" })
end
