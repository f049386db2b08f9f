-- wrk script posting comments as signed-in readers.
-- Arguments: the article's comment URL path, a file of "sessionid csrftoken"
-- lines and four hex digits that keep this run's idempotency keys apart from
-- an earlier run's, keys and texts alike (the same reader's same text within
-- ten minutes is answered as already posted, and stores nothing). Each
-- request takes the next reader in turn, sends their session and CSRF
-- cookies, the CSRF token and a fresh idempotency key; a post is counted as
-- expected only when it answers with the redirect to the new comment.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  readers = {}
  for line in io.lines(args[2]) do
    local session, token = line:match("^(%S+)%s+(%S+)$")
    table.insert(readers, { session = session, token = token })
  end
  run = args[3]
  sent = 0
  not_ok = 0
end

function request()
  sent = sent + 1
  local reader = readers[(sent * 2 + id) % #readers + 1]
  local key = string.format("%08x-%s-4000-8000-%012x", id, run, sent)
  local body = "csrfmiddlewaretoken=" .. reader.token
    .. "&body=Posted+by+the+benchmark+in+run+" .. run .. "%2C+number+" .. sent
    .. "&idempotency_key=" .. key
  return wrk.format("POST", path, {
    ["Cookie"] = "sessionid=" .. reader.session .. "; csrftoken=" .. reader.token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, body)
  if status ~= 302 and status ~= 303 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "not_expected": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
      .. '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, not_ok_total,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max
  ))
end
