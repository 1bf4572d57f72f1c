-- wrk script: POSTs 30-answer SIPAS bodies (30 scale/Likert levels at random, plus the three required
-- non-scale answers) to the API intake. Random levels and times keep the flags (duplicates, speeders) out of the way.
local unit = os.getenv("BENCH_UNIT") or "VPUB"
local codes = {
  "1.1.1","1.1.2","1.1.3","1.2.1","1.2.2","1.2.3","1.3.1","1.3.2","1.3.3","1.4.1","1.4.2","1.4.3",
  "2.1.1","2.1.2","2.1.3","2.1.4","2.2.1","2.2.2","2.2.3","2.2.4","2.3.1","2.3.2","2.3.3","2.3.4",
  "2.4.1","2.4.2","2.4.3","2.5.2","2.5.3","2.5.4",
}
local fixed = '"A7":"Bộ phận một cửa","A8":"Có","2.5.1":"Có",'
-- BENCH_FORM=q250: the generated 250-question form (intake.sh), all five-level scales.
if os.getenv("BENCH_FORM") == "q250" then
  codes = {}
  for i = 1, 250 do codes[i] = string.format("Q%03d", i) end
  fixed = ""
end
local headers = { ["Content-Type"] = "application/json" }

function setup(thread) thread:set("seed", math.random(1, 1e9)) end
function init(args) math.randomseed(os.time() + (seed or 0)) end

function request()
  local parts = {}
  for i = 1, #codes do parts[i] = string.format('"%s":"%d"', codes[i], math.random(1, 5)) end
  local body = string.format(
    '{"unit":"%s","group":"citizens","seconds":%d,"answers":{%s%s}}',
    unit, math.random(300, 900), fixed, table.concat(parts, ","))
  return wrk.format("POST", nil, headers, body)
end
