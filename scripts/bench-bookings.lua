-- POST /api/v1/bookings with a random facility (from IDS, "facility_id owner_school_id" lines,
-- or only the first with HOT=1) and a random hour of a random school day in the coming weeks.
local ids = {}
for line in io.lines(os.getenv("IDS")) do
  local f, s = line:match("(%d+) (%d+)")
  if f then ids[#ids + 1] = { f, s } end
end
local hot = os.getenv("HOT") == "1"
local first = os.getenv("FIRST_DAY")
local y, m, d = first:match("(%d+)-(%d+)-(%d+)")
local base = os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
request = function()
  local pick = hot and ids[1] or ids[math.random(#ids)]
  local day = os.date("%Y-%m-%d", base + 86400 * (7 * math.random(0, 7) + math.random(0, 4)))
  local hour = hot and 9 or math.random(8, 16)
  local body = string.format('{"facility_id": %s, "school_id": %s, "start": "%sT%02d:00:00", "end": "%sT%02d:45:00", "purpose": "bench"}',
    pick[1], pick[2], day, hour, day, hour)
  return wrk.format(nil, nil, nil, body)
end
local codes = {}
response = function(status) codes[status] = (codes[status] or 0) + 1 end
done = function()
  -- per-thread tables are not merged by wrk; the script counts from the database instead
end
