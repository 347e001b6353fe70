-- wrk script: POST /v1/eval with one case file (YAML), e.g. examples/yingjiang.yaml.
--   wrk -t2 -c16 -d20s --latency -s Benchmarks/serve-eval.lua http://127.0.0.1:8080/v1/eval -- examples/yingjiang.yaml
-- Responses other than 200 are counted and printed at the end (wrk's "Non-2xx" line counts them too).
local bad = 0
function init(args)
  local file = assert(io.open(args[1] or "examples/yingjiang.yaml", "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/yaml"
  file:close()
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
