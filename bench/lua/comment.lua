-- POST a reader's comment to an article picked at random from a file of ids (articles open to
-- comments), with a CSRF token, its cookie and a form stamp fetched once by bench/run.py from
-- /commentaires/jetons/. Each comment has words of its own: the same words twice on an article
-- are stored once.
--   wrk ... -s bench/lua/comment.lua URL -- <ids file> <texts file> <run number> <form fields>
--     <csrf cookie>
-- <texts file> holds form-encoded sentences; <form fields> the form-encoded token and stamp.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

setup = common.setup

function init(args)
  ids = common.lines(args[1])
  texts = common.lines(args[2])
  run = args[3]
  fields = args[4]
  headers = common.headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. args[5],
  })
  math.randomseed(id * 7919 + os.time())
  sent, redirected, other_status = 0, 0, 0
end

function request()
  sent = sent + 1
  local body = string.format(
    "%s&website=&display_name=Lecteur+%d&email=lecteur%d%%40example.org&text=%s+%%28r%%C3%%A9f.+%s-%d-%d%%29",
    fields, id, id, texts[math.random(#texts)], run, id, sent)
  return wrk.format("POST", "/articles/" .. ids[math.random(#ids)] .. "/commentaires/", headers, body)
end

function response(status, headers, body)
  if status == 302 then redirected = redirected + 1 else other_status = other_status + 1 end
end

function done(summary, latency, requests)
  common.report({ "sent", "redirected", "other_status" })
end
