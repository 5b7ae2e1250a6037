-- bench_web.py --driver wrk: each wrk thread is one client with one connection (wrk -t N -c N),
-- so its request() and response() alternate and each answer is timed from its own request.
--
--   wrk -t N -c N -d S --timeout 60s -s bench_web.lua URL -- DIR OFFICE_COOKIE UNIT_COOKIE INTERVAL
--
-- DIR/pages-<i>.tsv: client i's pages in its order, one "name<TAB>path<TAB>office|unit" a line.
-- DIR/times-<i>.tsv is written: one "name<TAB>milliseconds<TAB>status" a line per page answered.
-- INTERVAL 0: closed loop (the next page when the last is answered). INTERVAL s > 0: the client
-- clicks every s seconds from a random phase, and a page's time counts from when it was due (a
-- click that had to wait for the last answer counts its wait). A redirect (a 303, such as the
-- cited-title route's) is followed on the same clock, as httpx does.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local made = 0
function setup(thread)
  thread:set("id", made)
  made = made + 1
end

function init(args)
  local dir = args[1]
  local cookies = { office = args[2], unit = args[3] }
  interval = tonumber(args[4]) or 0
  pages = {}
  for line in io.lines(dir .. "/pages-" .. id .. ".tsv") do
    local name, path, who = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
    pages[#pages + 1] = { name = name, path = path, cookie = cookies[who] }
  end
  out = io.open(dir .. "/times-" .. id .. ".tsv", "w")
  out:setvbuf("line") -- wrk never closes a thread's files: each line written when answered
  math.randomseed(id + 1)
  n = 0
  due = nil
  redirect = nil
end

function delay()
  if interval <= 0 or redirect then
    return 0
  end
  if due == nil then
    due = now() + math.random() * interval -- the first click at a random phase
  end
  return math.max(0, (due - now()) * 1000)
end

function request()
  local path
  if redirect then
    path = redirect
  else
    page = pages[n % #pages + 1]
    n = n + 1
    path = page.path
    started = (interval > 0 and due) or now()
  end
  return wrk.format("GET", path, { Cookie = page.cookie, Accept = "text/html" })
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if status >= 300 and status < 400 and location then
    redirect = location:gsub("^https?://[^/]+", "")
    return
  end
  redirect = nil
  out:write(page.name, "\t", string.format("%.3f", (now() - started) * 1000), "\t", status, "\n")
  if interval > 0 then
    due = due + interval
  end
end
