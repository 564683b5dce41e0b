-- Mixed public traffic for wrk (deploy/loadtest.py): each connection walks this list from
-- its own starting point, so every kind of page is asked for all the time.
local pages = {
  {"/certifications/", nil},
  {"/certifications/?provider=aws&level=intermediate", nil},
  {"/certifications/?provider=aws", {["HX-Request"] = "true"}},
  {"/certifications/?q=machine", {["HX-Request"] = "true"}},
  {"/certifications/aws-ai-practitioner/", nil},
  {"/certifications/databricks-genai-engineer-associate/", nil},
  {"/compare/?c=aws-ai-practitioner&c=aws-ml-engineer-associate&c=databricks-genai-engineer-associate", nil},
  {"/advisor/result/?experience=no&career_change=yes&budget=any&topics=any&provider=any&format=any", nil},
  {"/advisor/result/?experience=yes&recognition=yes&budget=300&topics=any&provider=aws&format=any", nil},
}

local counter = 0
local statuses = {}

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7)
end

local i = 0
function request()
  i = i + 1
  local page = pages[((offset or 0) + i) % #pages + 1]
  local headers = {["Accept-Encoding"] = "gzip"}
  if page[2] then
    for k, v in pairs(page[2]) do headers[k] = v end
  end
  return wrk.format("GET", page[1], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
