-- wrk script for the public form path, as a phone does it: GET the form (the antiforgery cookie and the hidden field come
-- with it), then POST the answers as application/x-www-form-urlencoded; the server validates antiforgery, the answers,
-- the round and the unit, stores through the same intake, and answers 302 to the thank-you page.
-- Each wrk thread GETs the form first and then keeps posting with that cookie and field (an antiforgery pair stays valid
-- for many posts); set BENCH_FORM_GET=each to GET the form before every POST (then half the requests are GETs).
-- BENCH_FORM=q250 answers the generated 250-question form instead of the 30 SIPAS scales.
local unit = os.getenv("BENCH_UNIT") or "VPUB"
local each = os.getenv("BENCH_FORM_GET") == "each"
local q250 = os.getenv("BENCH_FORM") == "q250"
local codes = {
  "1.1.1","1.1.2","1.1.3","1.2.1","1.2.2","1.2.3","1.3.1","1.3.2","1.3.3","1.4.1","1.4.2","1.4.3",
  "2.1.1","2.1.2","2.1.3","2.1.4","2.2.1","2.2.2","2.2.3","2.2.4","2.3.1","2.3.2","2.3.3","2.3.4",
  "2.4.1","2.4.2","2.4.3","2.5.2","2.5.3","2.5.4",
}
local fixed = "&a%3AA7=B%E1%BB%99+ph%E1%BA%ADn+m%E1%BB%99t+c%E1%BB%ADa&a%3AA8=C%C3%B3&a%3A2.5.1=C%C3%B3" -- Bộ phận một cửa, Có, Có
if q250 then
  codes = {}
  for i = 1, 250 do codes[i] = string.format("Q%03d", i) end
  fixed = ""
end

local token, cookie, want_get = nil, nil, true
stored, refused = 0, 0

function init(args) math.randomseed(os.time() + (seed or 0)) end

function request()
  if token == nil or want_get then
    want_get = false
    return wrk.format("GET", wrk.path .. "?g=citizens", nil, nil)
  end
  if each then want_get = true end
  local parts = {}
  for i = 1, #codes do parts[i] = string.format("a%%3A%s=%d", codes[i], math.random(1, 5)) end
  local body = "__RequestVerificationToken=" .. token .. "&g=citizens&s=" .. (os.time() - math.random(300, 900)) .. fixed ..
    "&" .. table.concat(parts, "&")
  return wrk.format("POST", wrk.path .. "/gui",
    { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }, body)
end

function response(status, headers, body)
  if status == 200 and body then
    local t = body:match('name="__RequestVerificationToken" type="hidden" value="([^"]+)"')
      or body:match('type="hidden" value="([^"]+)" name="__RequestVerificationToken"')
      or body:match('name="__RequestVerificationToken" value="([^"]+)"')
    local c = headers["Set-Cookie"] or headers["set-cookie"]
    if t and c then
      token = t:gsub("%+", "%%2B"):gsub("/", "%%2F"):gsub("=", "%%3D")
      cookie = c:match("^([^;]+)")
    end
  elseif status == 302 then
    stored = stored + 1
  else
    refused = refused + 1
    if refused <= 3 then io.stderr:write("status " .. status .. ": " .. (body or ""):sub(1, 300) .. "\n") end
  end
end

local threads = {}
function setup(thread)
  thread:set("seed", math.random(1, 1e9))
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local s, r = 0, 0
  for _, t in ipairs(threads) do s = s + (t:get("stored") or 0); r = r + (t:get("refused") or 0) end
  io.write(string.format("form posts stored (302): %d (%.0f/s), refused or failed: %d\n", s, s / (summary.duration / 1e6), r))
end
