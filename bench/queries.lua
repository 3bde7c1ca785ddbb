-- wrk script of bench/run: one request per line of a query file, sent to every target (Canopy
-- and nginx) byte for byte the same way, so the load differs only in the server.
--
-- Environment (read when wrk loads the script):
--   BENCH_QUERIES  file of query strings (app=...&school=...), one per line      (required)
--   BENCH_TOKEN    bearer token sent in Authorization                           (required)
--   BENCH_THREADS  the -t given to wrk                                           (required)
--   BENCH_MODE     cycle: each thread walks the file from its own offset, round and round;
--                  once:  the threads split the file; each asks its share exactly once, then
--                         stops (wrk stops a thread only after a response, so up to -c/-t
--                         requests per thread more are sent, each repeating the thread's first
--                         line; they are counted in `extra`)
--   BENCH_DONE_FILE  `once` mode: a file each thread appends one byte to when its share is
--                  answered; the last one sends SIGINT to wrk's main thread, which otherwise
--                  sleeps through the whole -d before reporting (x86-64 Linux: tgkill)
--   BENCH_PACE     optional: total requests per second to pace to (open schedule per thread,
--                  wrk's delay() with millisecond resolution); unset = as fast as possible
--
-- done() prints one line "BENCH {json}" with requests, errors, rate and latency percentiles
-- (microseconds). `rate` is computed here, not taken from wrk (kept as `wrk_rate`): in `cycle`
-- mode it is the sum over threads of requests sent / the thread's own sending time (wrk starts
-- its clock only after the last thread started); in `once` mode it is the share over the time
-- from the first send to the last answer.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long sec; long nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
  int getpid(void);
  long syscall(long number, ...);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC: comparable across wrk's threads
  return tonumber(ts.sec) + tonumber(ts.nsec) * 1e-9
end

local query_file = assert(os.getenv("BENCH_QUERIES"), "BENCH_QUERIES is not set")
local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
local nthreads = tonumber((assert(os.getenv("BENCH_THREADS"), "BENCH_THREADS is not set")))
local mode = os.getenv("BENCH_MODE") or "cycle"
local pace = tonumber(os.getenv("BENCH_PACE") or "")
if pace ~= nil and pace <= 0 then pace = nil end
local done_file = os.getenv("BENCH_DONE_FILE")

-- Wakes wrk's main thread (its tid is the pid) once every thread has finished its share.
local function finish_thread()
  if done_file == nil then return end
  local f = assert(io.open(done_file, "a"))
  f:write("x")
  f:close()
  f = assert(io.open(done_file, "r"))
  local n = #f:read("*a")
  f:close()
  if n >= nthreads and ffi.arch == "x64" and ffi.os == "Linux" then
    local pid = ffi.C.getpid()
    ffi.C.syscall(234, ffi.cast("long", pid), ffi.cast("long", pid), ffi.cast("long", 2)) -- tgkill(pid, pid, SIGINT)
  end
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per thread (each thread has its own Lua state). Globals, so that done() can read them
-- with thread:get().
local reqs, first, last, pos = {}, 1, 0, 1
local next_send = nil
answered, extra, t_first, t_last, share_n, calls, t_call = 0, 0, 0, 0, 0, 0, 0

function init(args)
  local lines = {}
  for line in io.lines(query_file) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  assert(#lines > 0, query_file .. " is empty")
  -- wrk.format once, for the exact request line and headers (Host included); then plain
  -- concatenation, which keeps init() short: wrk starts each thread right after its init(),
  -- so a slow init() lets the first thread run alone for a while.
  local sample = wrk.format("GET", "/@PATH@", { ["Authorization"] = "Bearer " .. token })
  local at = assert(sample:find("/@PATH@", 1, true))
  local head, tail = sample:sub(1, at - 1), sample:sub(at + #"/@PATH@")
  if mode == "once" then
    -- Contiguous slices: thread k asks lines [k*n/T + 1, (k+1)*n/T].
    local n = #lines
    first = math.floor(id * n / nthreads) + 1
    last = math.floor((id + 1) * n / nthreads)
  else
    first, last = 1, #lines
  end
  for i = first, last do
    reqs[#reqs + 1] = head .. "/internal/v1/decisions?" .. lines[i] .. tail
  end
  share_n = #reqs
  if mode == "cycle" then
    pos = math.floor(id * #reqs / nthreads) + 1 -- threads start apart
  end
end

function request()
  local t = now()
  if t_first == 0 then t_first = t end
  t_call = t
  calls = calls + 1
  local r = reqs[pos]
  if r == nil then
    extra = extra + 1
    return reqs[1]
  end
  pos = pos + 1
  if pos > #reqs and mode == "cycle" then pos = 1 end
  return r
end

if mode == "once" then
  function response(status, headers, body)
    answered = answered + 1
    if answered >= #reqs then
      if t_last == 0 then
        t_last = now()
        finish_thread()
      end
      wrk.thread:stop()
    end
  end
end

if pace then
  local interval = nthreads / pace -- seconds between sends on this thread
  function delay()
    local t = now()
    if next_send == nil or next_send < t - 0.05 then next_send = t end -- never bank a backlog over 50 ms
    next_send = next_send + interval
    local ms = (next_send - t) * 1000
    if ms < 0 then return 0 end
    return math.floor(ms + 0.5)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = {
    requests = summary.requests,
    duration_s = summary.duration / 1e6,
    rate = summary.requests / (summary.duration / 1e6),
    errors_connect = e.connect, errors_read = e.read, errors_write = e.write,
    errors_status = e.status, errors_timeout = e.timeout,
    p50_us = latency:percentile(50), p90_us = latency:percentile(90),
    p99_us = latency:percentile(99), p999_us = latency:percentile(99.9),
    max_us = latency.max, mean_us = latency.mean,
    mode = mode, pace = pace or 0,
  }
  -- wrk divides by the time from its start, which it takes after starting every thread; an
  -- earlier thread has been sending since before then. So the rate is the sum over threads of
  -- requests sent / the thread's own time from its first to its last send (off by at most the
  -- requests in flight at the end, one per connection).
  out.wrk_rate = out.rate
  local sum = 0
  for _, t in ipairs(threads) do
    local span = t:get("t_call") - t:get("t_first")
    if span > 0 then sum = sum + t:get("calls") / span end
  end
  out.rate = sum
  if mode == "once" then
    local t0, t1, ans, ext, share = math.huge, 0, 0, 0, 0
    for _, t in ipairs(threads) do
      local a, b = t:get("t_first"), t:get("t_last")
      if a > 0 and a < t0 then t0 = a end
      if b > t1 then t1 = b end
      ans = ans + t:get("answered")
      ext = ext + t:get("extra")
      share = share + t:get("share_n")
    end
    out.once_share = share
    out.once_answered = ans
    out.extra = ext
    out.complete = (t1 > 0)
    for _, t in ipairs(threads) do
      if t:get("t_last") == 0 then out.complete = false end
    end
    if out.complete then
      out.duration_s = t1 - t0
      out.rate = share / (t1 - t0)
    else
      out.rate = 0
    end
  end
  local parts = {}
  for k, v in pairs(out) do
    local val
    if type(v) == "string" then val = '"' .. v .. '"'
    elseif type(v) == "boolean" then val = tostring(v)
    else val = string.format("%.6g", v) end
    parts[#parts + 1] = '"' .. k .. '":' .. val
  end
  io.write("BENCH {" .. table.concat(parts, ",") .. "}\n")
end
