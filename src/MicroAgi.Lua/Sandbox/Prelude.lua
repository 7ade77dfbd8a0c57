-- The sandbox prelude. It runs once per Lua state, before any user code, and receives the host
-- primitives and the set of modules this state may load. It returns the metatable of every call's
-- fresh global environment.
--
-- Why the Lua-level replacements below exist (docs/lua-sandbox.md has the full argument):
--  * C functions that loop without executing VM instructions cannot be stopped by the count hook,
--    so table.insert/remove/move/sort run C Lua's functions only where the table itself bounds their
--    work (no metatable; sort in runs of bounded length) and Lua code otherwise, table.concat/unpack
--    read elements in Lua when a metatable is involved, and string matching/rep run in C# with a
--    deadline check. (C's loops are several times faster than the same loops written in Lua.)
--  * Lua runs xpcall's message handler, and coroutine.wrap closes a dead coroutine's variables,
--    with hooks possibly off; both are Lua code here so the hook always sees them.
--  * __gc finalizers always run with hooks off, so setmetatable refuses them.
local host, allowed_modules = ...

-- Capture everything used below: user code gets its own copies of the libraries, never these originals.
local type, error, select, tostring, tonumber, pcall = type, error, select, tostring, tonumber, pcall
local rawget, rawequal, rawlen, next, getmetatable = rawget, rawequal, rawlen, next, getmetatable
local native_setmetatable, native_rawset = setmetatable, rawset
local math_type, math_tointeger, math_ult = math.type, math.tointeger, math.ult
local maxinteger = math.maxinteger
local pack, unpack, concat = table.pack, table.unpack, table.concat
local native_insert, native_remove, native_move, native_sort = table.insert, table.remove, table.move, table.sort
local co_create, co_resume, co_close = coroutine.create, coroutine.resume, coroutine.close
local str_sub, str_byte = string.sub, string.byte

local host_find, host_match, host_gmatch, host_gsub_find, host_gsub, host_rep =
  host.find, host.match, host.gmatch, host.gsub_find, host.gsub, host.rep
local host_log, host_load_module, host_limit_reached = host.log, host.load_module, host.limit_reached

local function typename(value, present)
  if not present then return "no value" end
  return type(value)
end

-- ------------------------------------------------------------------ read-only views

local readonly_tables = native_setmetatable({}, { __mode = "k" })

-- pairs(view) must not return `next, real`: the real table would be its second value, writable,
-- and shared by every later call of the state. The iterator keeps it in a closure instead.
local function iterate(real)
  local key
  return function()
    local value
    key, value = next(real, key)
    return key, value
  end
end

local function readonly(name, real)
  local view = {}
  readonly_tables[view] = true
  native_setmetatable(view, {
    __index = real,
    __newindex = function() error("attempt to modify read-only table '" .. name .. "'", 2) end,
    __pairs = function() return iterate(real) end,
    __len = function() return rawlen(real) end,
    __metatable = false,
  })
  return view
end

-- ------------------------------------------------------------------ argument checks

-- `present` is false when the argument was not given at all: Lua then says "got no value".
local function check_table(t, position, fname, present)
  if type(t) ~= "table" then
    error("bad argument #" .. position .. " to '" .. fname .. "' (table expected, got " ..
      typename(t, present ~= false) .. ")", 3)
  end
end

local function check_integer(value, position, fname, present)
  if math_type(value) == "integer" then return value end
  local number = value
  if type(value) == "string" then number = tonumber(value) end
  local kind = math_type(number)
  if kind == "integer" then return number end
  if kind == "float" then
    local converted = math_tointeger(number)
    if converted then return converted end
    error("bad argument #" .. position .. " to '" .. fname .. "' (number has no integer representation)", 3)
  end
  error("bad argument #" .. position .. " to '" .. fname .. "' (number expected, got " ..
    typename(value, present ~= false) .. ")", 3)
end

local function check_string(value, position, fname, present)
  local kind = type(value)
  if kind == "string" then return value end
  if kind == "number" then return tostring(value) end
  error("bad argument #" .. position .. " to '" .. fname .. "' (string expected, got " ..
    typename(value, present ~= false) .. ")", 3)
end

-- An error raised at a line of this file says so ("[sandbox]:N: "), and names what failed after this
-- file's code ("(metamethod 'len')", "(local 't')"), where C Lua raises the same error from C code,
-- with neither: raise it again without them.
local function raise_without_position(problem)
  if type(problem) == "string" then
    local message, found = problem:gsub("^%[sandbox%]:%d+: ", "", 1)
    if found > 0 then message = message:gsub(" %([%a ]+ '[^']*'%)$", "", 1) end
    error(message, 0)
  end
  error(problem, 0)
end

-- Every function the environment offers (filled at the end of this file). One of them passed as a
-- callback to another (`string.gsub(s, p, setmetatable)`) would raise at the line of this file that
-- called it; C Lua calls callbacks from C, so its errors have no position.
local offered = native_setmetatable({}, { __mode = "k" })

local function relay_without_position(ok, ...)
  if ok then return ... end
  raise_without_position((...))
end

-- The loops below read and write the user's tables, running their metamethods: an error one raises in
-- this file (`__index = 5`: "attempt to index a number value") would carry this file's position, where
-- C Lua's loops raise it with none. So they run under pcall, and such an error is raised again without it.
local function shift_up(t, e, pos, value)
  for i = e, pos + 1, -1 do t[i] = t[i - 1] end
  t[pos] = value
end

local function shift_down(t, pos, size)
  local value = t[pos]
  while pos < size do
    t[pos] = t[pos + 1]
    pos = pos + 1
  end
  t[pos] = nil
  return value
end

local function copy_elements(a1, f, n, t, a2)
  if t > f + n - 1 or t <= f or a1 ~= a2 then
    for i = 0, n - 1 do a2[t + i] = a1[f + i] end
  else
    for i = n - 1, 0, -1 do a2[t + i] = a1[f + i] end
  end
end

-- Elements i..j into a new plain table; or nil, the index and the value of the first that is not one
-- `accept`s (so the caller raises at its caller's line, as C Lua does).
local function read_elements(t, i, j, accept)
  local values, n = {}, 0
  for k = i, j do
    local value = t[k]
    if accept and not accept[type(value)] then return nil, k, value end
    n = n + 1
    values[n] = value
  end
  return values, n
end

-- luaL_len: what __len returns must convert to an integer (a numeric string does).
local function length_operator(t) return #t end

local function length_of(t)
  local n
  if getmetatable(t) == nil then
    n = #t
  else
    local ok
    ok, n = pcall(length_operator, t)
    if not ok then raise_without_position(n) end
  end
  if math_type(n) == "integer" then return n end
  n = math_tointeger(type(n) == "string" and tonumber(n) or n)
  if n == nil then error("object length is not an integer", 3) end
  return n
end

-- ------------------------------------------------------------------ base functions

-- Errors raised by the C functions called below would carry this file's position; arguments are
-- checked here first, with Lua's own messages, and what C can still raise is caught and raised
-- again: at the caller's line (`relay`, for luaL_error's messages) or as it was (`relay_as_is`, for
-- runtime errors raised inside a C function, which have no position in Lua either).
local function relay(ok, ...)
  if ok then return ... end
  local problem = ...
  -- Lua raises exactly this message as a memory error, not a runtime error: keep it one.
  if problem == "not enough memory" then error(problem, 0) end
  error(problem, 2)
end

local function relay_as_is(ok, ...)
  if ok then return ... end
  error((...), 0)
end


local function setmetatable(...)
  local t, mt = ...
  if type(t) ~= "table" then
    error("bad argument #1 to 'setmetatable' (table expected, got " .. typename(t, select("#", ...) >= 1) .. ")", 2)
  end
  local kind = type(mt)
  if kind ~= "table" and (kind ~= "nil" or select("#", ...) < 2) then
    error("bad argument #2 to 'setmetatable' (nil or table expected, got " .. typename(mt, select("#", ...) >= 2) .. ")", 2)
  end
  if kind == "table" and rawget(mt, "__gc") ~= nil then
    error("__gc metamethods are not allowed in the sandbox", 2)
  end
  -- The one error left is "cannot change a protected metatable", which is raised without a position
  -- from inside pcall; relay gives it the caller's.
  return relay(pcall(native_setmetatable, t, mt))
end

local function rawset(...)
  local t, k = ...
  if type(t) ~= "table" then
    error("bad argument #1 to 'rawset' (table expected, got " .. typename(t, select("#", ...) >= 1) .. ")", 2)
  end
  if select("#", ...) < 2 then error("bad argument #2 to 'rawset' (value expected)", 2) end
  if select("#", ...) < 3 then error("bad argument #3 to 'rawset' (value expected)", 2) end
  if readonly_tables[t] then error("attempt to modify a read-only table", 2) end
  return relay_as_is(pcall(native_rawset, t, k, (select(3, ...))))
end

-- The message handler runs after the failed function has unwound, as ordinary hooked code.
local function xpcall(...)
  local f, handler = ...
  if type(handler) ~= "function" then
    error("bad argument #2 to 'xpcall' (function expected, got " ..
      typename(handler, select("#", ...) >= 2) .. ")", 2)
  end
  local result = pack(pcall(f, select(3, ...)))
  if result[1] then return unpack(result, 1, result.n) end
  local _, handled = pcall(handler, result[2])
  return false, handled
end

-- Standard ipairs accepts nil and then fails inside C with no line number; say where instead.
local native_ipairs = ipairs
local function ipairs(t)
  if t == nil then error("bad argument #1 to 'ipairs' (table expected, got nil)", 2) end
  return native_ipairs(t)
end

local function print(...)
  local args = pack(...)
  local parts = {}
  for i = 1, args.n do parts[i] = tostring(args[i]) end
  host_log(concat(parts, "\t"))
end

-- Modules already required in this state: read-only views, shared by its calls (the standard
-- libraries are not here: each call gets its own copies, see the end of this file).
local loaded = {}

local function require(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. typename(name, true) .. ")", 2)
  end
  local module = loaded[name]
  if module ~= nil then return module end
  if not allowed_modules[name] then error("module '" .. name .. "' not found", 2) end
  local real, problem = host_load_module(name)
  if real == nil then error(problem, 2) end
  module = readonly(name, real)
  loaded[name] = module
  return module
end

-- ------------------------------------------------------------------ string

-- Host primitives report errors as (false, message); turn that into a Lua error at the caller.
local function raise_on_failure(first, ...)
  if first == false then error((...), 2) end
  return first, ...
end

-- Arguments are passed on as they came, so a missing one is still "no value" to the host.
local function find(...)
  return raise_on_failure(host_find(...))
end

local function match(...)
  return raise_on_failure(host_match(...))
end

local function rep(...)
  return raise_on_failure(host_rep(...))
end

local function gmatch(...)
  local s, p, init = ...
  local count = select("#", ...)
  s = check_string(s, 1, "gmatch", count >= 1)
  p = check_string(p, 2, "gmatch", count >= 2)
  local src = 1
  if init ~= nil then
    init = check_integer(init, 3, "gmatch")
    local len = #s
    if init > 0 then src = init
    elseif init == 0 or init < -len then src = 1
    else src = len + init + 1 end
    if src > len + 1 then src = len + 2 end
  end
  local lastmatch = -1
  local function advance(e, ...)
    if e == false then error((...), 2) end
    if e == nil then return nil end
    src, lastmatch = e, e
    return ...
  end
  return function()
    return advance(host_gmatch(s, p, src, lastmatch))
  end
end

local function gsub(...)
  local s, p, repl, max_n = ...
  local kind = type(repl)
  if kind == "string" or kind == "number" then
    return raise_on_failure(host_gsub(s, p, repl, max_n))
  end
  s = check_string(s, 1, "gsub")
  p = check_string(p, 2, "gsub")
  if kind ~= "function" and kind ~= "table" then
    error("bad argument #3 to 'gsub' (string/function/table expected, got " ..
      typename(repl, select("#", ...) >= 3) .. ")", 2)
  end
  local len = #s
  if max_n == nil then max_n = len + 1 else max_n = check_integer(max_n, 4, "gsub") end
  local anchored = str_byte(p, 1) == 94 -- "^"
  local out, count, changed = {}, 0, false
  local src, lastmatch, n = 1, -1, 0
  while n < max_n do
    local found = pack(host_gsub_find(s, p, src, lastmatch))
    local start = found[1]
    if start == false then error(found[2], 2) end
    if start == nil then break end
    local e = found[2]
    n = n + 1
    if start > src then
      count = count + 1
      out[count] = str_sub(s, src, start - 1)
    end
    local value
    if kind == "function" then
      if offered[repl] then
        local ok, result = pcall(repl, unpack(found, 3, found.n))
        if not ok then raise_without_position(result) end
        value = result
      else
        value = repl(unpack(found, 3, found.n))
      end
    else
      value = repl[found[3]]
    end
    if not value then
      value = str_sub(s, start, e - 1)
    elseif type(value) ~= "string" and type(value) ~= "number" then
      error("invalid replacement value (a " .. type(value) .. ")", 2)
    else
      changed = true
    end
    count = count + 1
    out[count] = value
    src, lastmatch = e, e
    if anchored then break end
  end
  -- As lstrlib: when no replacement value was used the result is the subject itself, not a copy.
  if not changed then return s, n end
  if src <= len then
    count = count + 1
    out[count] = str_sub(s, src)
  end
  return concat(out), n
end

string.find, string.match, string.gmatch, string.gsub, string.rep = find, match, gmatch, gsub, rep
string.dump = nil
local string_metatable = getmetatable("")
string_metatable.__metatable = false

-- ------------------------------------------------------------------ table

local function insert(...)
  local t, pos, value = ...
  local count = select("#", ...)
  -- Appending to a plain table, the common case, is what C Lua does (`luaL_len` is the raw border).
  if count == 2 and getmetatable(t) == nil and type(t) == "table" then
    t[#t + 1] = pos
    return
  end
  if type(t) ~= "table" then check_table(t, 1, "insert", count >= 1) end
  local e = length_of(t) + 1
  if count == 2 then
    t[e] = pos
    return
  end
  if count ~= 3 then error("wrong number of arguments to 'insert'", 2) end
  pos = check_integer(pos, 2, "insert")
  if pos < 1 or pos > e then error("bad argument #2 to 'insert' (position out of bounds)", 2) end
  -- Without a metatable the shift is bounded by the table's own size, and C does it faster than Lua.
  if getmetatable(t) == nil then return native_insert(t, pos, value) end
  relay_without_position(pcall(shift_up, t, e, pos, value))
end

local function remove(...)
  local t, pos = ...
  -- Removing the last element of a plain table, the common case, as C Lua does (also when empty: t[0]).
  if pos == nil and getmetatable(t) == nil and type(t) == "table" then
    local size = #t
    local value = t[size]
    t[size] = nil
    return value
  end
  if type(t) ~= "table" then check_table(t, 1, "remove", select("#", ...) >= 1) end
  local size = length_of(t)
  if pos == nil then
    pos = size
  else
    pos = check_integer(pos, 2, "remove")
    if pos ~= size and (pos < 1 or pos > size + 1) then
      error("bad argument #2 to 'remove' (position out of bounds)", 2)
    end
  end
  if pos < size and getmetatable(t) == nil then return native_remove(t, pos) end
  return relay_without_position(pcall(shift_down, t, pos, size))
end

local function move(...)
  local a1, f, e, t, a2 = ...
  local count = select("#", ...)
  check_table(a1, 1, "move", count >= 1)
  f = check_integer(f, 2, "move", count >= 2)
  e = check_integer(e, 3, "move", count >= 3)
  t = check_integer(t, 4, "move", count >= 4)
  if a2 == nil then a2 = a1 else check_table(a2, 5, "move") end
  if e >= f then
    if not (f > 0 or e < maxinteger + f) then error("bad argument #3 to 'move' (too many elements to move)", 2) end
    local n = e - f + 1
    if t > maxinteger - n + 1 then error("bad argument #4 to 'move' (destination wrap around)", 2) end
    relay_without_position(pcall(copy_elements, a1, f, n, t, a2))
  end
  return a2
end

-- table.sort. C Lua's sort is one C call the hook cannot interrupt, and quadratic on an input built
-- against its pivot choice. So:
--  * A table without a metatable, in the default order, is sorted by C Lua's sort in runs of at most
--    SORT_RUN elements (one run's worst case stays tens of milliseconds), which are then merged here
--    under the hook. Up to SORT_RUN elements that is C Lua's sort alone, at its speed.
--  * With a comparator (or a metatable on the table) the sort is Lua 5.4's ltablib.c sort, in Lua so
--    that the loop stays under the hook: quicksort with a median of three, recursion on the smaller
--    half, and a pivot chosen at random once a partition came out badly unbalanced. Unlike C Lua, a
--    range that still keeps partitioning badly is finished with heapsort, so no comparator (McIlroy's
--    adversary decides the order as the sort asks) makes it quadratic.
-- A comparison error (`{1, "x"}`) is raised as Lua raises it, without a position; "invalid order
-- function for sorting" at the caller's line.
local SORT_RUN = 4096
local invalid_order = {}
local RANLIMIT = 100

-- Lua seeds its pivot choice from the clock; a per-state generator seeded the same way will do.
local pivot_seed = (os.time() ~ math.floor(os.clock() * 1e9)) & 0x7fffffff
local function random_pivot_seed()
  pivot_seed = (pivot_seed * 1103515245 + 12345) & 0x7fffffff
  return pivot_seed
end

local function less_than(a, b) return a < b end

local function partition(t, lo, up, lt)
  local pivot = t[up - 1]
  local i, j = lo, up - 1
  while true do
    i = i + 1
    local a = t[i]
    while lt(a, pivot) do
      if i == up - 1 then error(invalid_order) end
      i = i + 1
      a = t[i]
    end
    j = j - 1
    local b = t[j]
    while lt(pivot, b) do
      if j < i then error(invalid_order) end
      j = j - 1
      b = t[j]
    end
    if j < i then
      t[up - 1], t[i] = a, pivot
      return i
    end
    t[i], t[j] = b, a
  end
end

local function heapsort(t, lo, up, lt)
  local function sift(root, last)
    local value = t[root]
    while true do
      local child = lo + 2 * (root - lo) + 1
      if child > last then break end
      if child < last and lt(t[child], t[child + 1]) then child = child + 1 end
      if not lt(value, t[child]) then break end
      t[root] = t[child]
      root = child
    end
    t[root] = value
  end
  for root = lo + (up - lo - 1) // 2, lo, -1 do sift(root, up) end
  for last = up, lo + 1, -1 do
    t[lo], t[last] = t[last], t[lo]
    sift(lo, last - 1)
  end
end

local function auxsort(t, lo, up, lt, rnd, unbalanced)
  while lo < up do
    local a, b = t[lo], t[up]
    if lt(b, a) then t[lo], t[up] = b, a end
    if up - lo == 1 then return end
    local p
    if up - lo < RANLIMIT or rnd == 0 then
      p = (lo + up) // 2
    else
      local r4 = (up - lo) // 4
      p = rnd % (r4 * 2) + (lo + r4)
    end
    a, b = t[p], t[lo]
    if lt(a, b) then
      t[p], t[lo] = b, a
    else
      b = t[up]
      if lt(b, a) then t[p], t[up] = b, a end
    end
    if up - lo == 2 then return end
    t[p], t[up - 1] = t[up - 1], t[p]
    p = partition(t, lo, up, lt)
    local n
    if p - lo < up - p then
      auxsort(t, lo, p - 1, lt, rnd, unbalanced)
      n = p - lo
      lo = p + 1
    else
      auxsort(t, p + 1, up, lt, rnd, unbalanced)
      n = up - p
      up = p - 1
    end
    if (up - lo) // 128 > n then
      unbalanced = unbalanced - 1
      if unbalanced == 0 then return heapsort(t, lo, up, lt) end
      rnd = random_pivot_seed()
    end
  end
end

-- Merges the sorted ranges src[lo..mid] and src[mid+1..hi] into dst[lo..hi].
local function merge(src, dst, lo, mid, hi)
  local i, j, k = lo, mid + 1, lo
  local a, b = src[i], src[j]
  if not (b < src[mid]) then
    -- Already in order (an ordered input is merged by C).
    native_move(src, lo, hi, lo, dst)
    return
  end
  while true do
    if b < a then
      dst[k] = b
      k, j = k + 1, j + 1
      if j > hi then native_move(src, i, mid, k, dst) return end
      b = src[j]
    else
      dst[k] = a
      k, i = k + 1, i + 1
      if i > mid then native_move(src, j, hi, k, dst) return end
      a = src[i]
    end
  end
end

local function sort_in_runs(t, n)
  if n <= SORT_RUN then return native_sort(t) end
  for lo = 1, n, SORT_RUN do
    local hi = lo + SORT_RUN - 1
    if hi > n then hi = n end
    local run = native_move(t, lo, hi, 1, {})
    native_sort(run)
    native_move(run, 1, hi - lo + 1, lo, t)
  end
  local src, dst, width = t, {}, SORT_RUN
  while width < n do
    for lo = 1, n, 2 * width do
      local mid, hi = lo + width - 1, lo + 2 * width - 1
      if hi > n then hi = n end
      if mid >= hi then native_move(src, lo, hi, lo, dst) else merge(src, dst, lo, mid, hi) end
    end
    src, dst, width = dst, src, 2 * width
  end
  if src ~= t then native_move(src, 1, n, 1, t) end
end

local function sort_failed(problem)
  -- C Lua's sort raises this one at the line that called it, here a line of this file.
  if problem == invalid_order or (type(problem) == "string" and problem:find("^%[sandbox%]:%d+: invalid order function for sorting$")) then
    error("invalid order function for sorting", 3)
  end
  -- A comparison (or an offered function as comparator) raised inside this file.
  raise_without_position(problem)
end

local function sort(...)
  local t, comp = ...
  check_table(t, 1, "sort", select("#", ...) >= 1)
  local n = length_of(t)
  if n > 1 then
    if n >= 2147483647 then error("bad argument #1 to 'sort' (array too big)", 2) end
    if comp ~= nil and type(comp) ~= "function" then
      error("bad argument #2 to 'sort' (function expected, got " .. type(comp) .. ")", 2)
    end
    local ok, problem
    if comp == nil and getmetatable(t) == nil then
      ok, problem = pcall(sort_in_runs, t, n)
    else
      -- Badly unbalanced partitions allowed per range before heapsort takes over: about 2 log2(n).
      local allowance, size = 2, n
      while size > 1 do
        allowance = allowance + 2
        size = size // 2
      end
      ok, problem = pcall(auxsort, t, 1, n, comp or less_than, 0, allowance)
    end
    if not ok then sort_failed(problem) end
  end
end

-- table.concat and table.unpack read elements with lua_geti, which runs __index. When __index is a
-- C function (table.concat itself would do), one C call can call it up to math.maxinteger times and
-- never run a VM instruction, so the hook never sees it. For a table with a metatable the elements
-- are read here, in Lua, into a plain table that the C function then handles: bounded by its size.
-- The arguments are checked here, with the C functions' messages; what the C function itself raises
-- is relayed to the caller's line (raised in C called from here, it would point into this file).
local concatenable = { string = true, number = true }

local function table_concat(t, sep, i, j)
  check_table(t, 1, "concat")
  if sep ~= nil then sep = check_string(sep, 2, "concat") end
  if i ~= nil then i = check_integer(i, 3, "concat") end
  if j ~= nil then j = check_integer(j, 4, "concat") end
  if getmetatable(t) == nil then return relay(pcall(concat, t, sep, i, j)) end
  if j == nil then j = length_of(t) end
  local parts, k, value = relay_without_position(pcall(read_elements, t, i or 1, j, concatenable))
  if parts == nil then
    error("invalid value (" .. typename(value, true) .. ") at index " .. k .. " in table for 'concat'", 2)
  end
  return relay(pcall(concat, parts, sep))
end

-- More values than this never fit on a Lua stack (LUAI_MAXSTACK): C unpack refuses them at once.
local max_unpack = 1000000

local function table_unpack(t, i, j)
  if i == nil then i = 1 else i = check_integer(i, 2, "unpack") end
  if j ~= nil then j = check_integer(j, 3, "unpack") end
  if type(t) == "table" and getmetatable(t) == nil then
    local last = j == nil and #t or j
    -- A Lua stack holds at most a million values (LUAI_MAXSTACK): C Lua can never unpack that many.
    if i <= last and math_ult(max_unpack - 2, last - i) then error("too many results to unpack", 2) end
    -- Passed on through relay, the values need stack room twice: from half a million on they would overflow
    -- it at this file's line, so C's answer comes back as it is (its rare "too many results" for a stack
    -- already deep then names this file's line).
    if i <= last and last - i >= max_unpack // 2 then return unpack(t, i, last) end
    return relay(pcall(unpack, t, i, last))
  end
  if type(t) ~= "table" then return relay(pcall(unpack, t, i, j)) end
  if j == nil then j = length_of(t) end
  if i > j or math_ult(max_unpack, j - i) then return relay(pcall(unpack, t, i, j)) end
  local values = relay_without_position(pcall(read_elements, t, i, j))
  return relay(pcall(unpack, values, 1, j - i + 1))
end

-- The guarded C functions (Native/guarded_table.c), when the host has them, do all of the above in C
-- at C Lua's speed, with loops that stop at the call's limits: the Lua ones above are the fallback.
local guarded = host.table_functions
if guarded then
  table.insert, table.remove, table.move, table.sort = guarded.insert, guarded.remove, guarded.move, guarded.sort
else
  table.insert, table.remove, table.move, table.sort = insert, remove, move, sort
end
table.concat, table.unpack = table_concat, table_unpack

-- ------------------------------------------------------------------ coroutine

local function wrap_results(ok, ...)
  if ok then return ... end
  local problem = ...
  if type(problem) == "string" then error(problem, 2) end
  error(problem, 0)
end

local function wrap(f)
  if type(f) ~= "function" then
    error("bad argument #1 to 'wrap' (function expected, got " .. typename(f, true) .. ")", 2)
  end
  local co = co_create(f)
  return function(...)
    return wrap_results(co_resume(co, ...))
  end
end

-- A coroutine killed by the limit hook keeps hooks disabled; closing it would run its __close
-- handlers unhooked. Once a limit is reached nothing may run anyway.
local function close(co)
  if host_limit_reached() then error("the call has exceeded a limit", 2) end
  return co_close(co)
end

coroutine.wrap, coroutine.close = wrap, close

-- ------------------------------------------------------------------ the environment

-- The standard globals. The libraries among them (`libraries`) are never given out themselves: each
-- call gets its own plain copy (see `hand_out`).
local base = {
  assert = assert, error = error, getmetatable = getmetatable, ipairs = ipairs, next = next,
  pairs = pairs, pcall = pcall, rawequal = rawequal, rawget = rawget, rawlen = rawlen,
  rawset = rawset, select = select, setmetatable = setmetatable, tonumber = tonumber,
  tostring = tostring, type = type, xpcall = xpcall, print = print, require = require,
  _VERSION = _VERSION,
  string = string, table = table, math = math, utf8 = utf8, coroutine = coroutine,
  os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime },
}
local libraries = { string = true, table = true, math = true, utf8 = true, coroutine = true, os = true }

for key, value in next, base do
  if type(value) == "function" then offered[value] = true end
  if libraries[key] then
    for _, member in next, value do
      if type(member) == "function" then offered[member] = true end
    end
  end
end

-- Nothing may reach the real globals (load, collectgarbage, …) even by accident.
local globals = _G
for key in next, globals do globals[key] = nil end

-- Each call runs in its own global table (made by the host), and a standard global is stored there
-- (raw) the first time the call reads it, so later reads are plain table hits, as in Lua — a library
-- read through a shared read-only view cost two metamethod hops per `table.insert`. A library is
-- given as a fresh plain copy of its functions: a call may change it (`table.maxn = …`, as Lua code
-- does), and the change dies with the call. What was handed to each call is remembered, so a
-- standard global the call removed (`table = nil`) stays removed, as in Lua.
--
-- A state serves one call at a time, and nothing of one call outlives it, so only the running call's
-- record is kept, weakly (it must not keep a finished call's globals alive between calls). A record per
-- call in a weak-keyed table would hold every finished call's entry until a collection cleared it,
-- and the collector walks such (ephemeron) tables more than once per cycle.
local running = native_setmetatable({}, { __mode = "v" }) -- [1]: the running call's global table
local records = native_setmetatable({}, { __mode = "k" }) -- that table -> what was given to it

local function handed_to(env)
  local previous = running[1]
  if previous == env then return records[env] end
  if previous ~= nil then records[previous] = nil end
  running[1] = env
  local given = {}
  records[env] = given
  return given
end

local function copy_of_library(name)
  local copy = {}
  for key, value in next, base[name] do copy[key] = value end
  return copy
end

-- Gives standard global `key` to `env`: stores it there and remembers it was given.
local function hand_out(env, given, key)
  local value = base[key]
  if libraries[key] then value = copy_of_library(key) end
  given[key] = value
  native_rawset(env, key, value)
  return value
end

-- require("string"|"table"|…) returns the running call's own copy, as Lua's returns the library `_G`
-- holds (also after the call removed the global: `table = nil`).
base.require = function(...)
  local name = ...
  local env = running[1]
  if env ~= nil and type(name) == "string" and libraries[name] then
    local given = handed_to(env)
    local library = given[name]
    if library == nil then return hand_out(env, given, name) end
    if type(library) ~= "table" then
      -- The call replaced the global before reading it (`table = 1`).
      library = copy_of_library(name)
      given[name] = library
    end
    return library
  end
  return require(...)
end
offered[base.require] = true

local function environment_index(env, key)
  if base[key] == nil then return nil end
  local given = handed_to(env)
  -- Given before and no longer there: the call removed it.
  if given[key] ~= nil then return nil end
  return hand_out(env, given, key)
end

-- Runs when the call sets a global its table does not hold yet. Setting a standard one before reading
-- it replaces (or removes) it for the rest of the call.
local function environment_newindex(env, key, value)
  if key == nil then error("index is nil", 2) end
  if key ~= key then error("index is NaN", 2) end
  if base[key] ~= nil then
    local given = handed_to(env)
    if given[key] == nil then given[key] = true end
  end
  native_rawset(env, key, value)
end

-- pairs(_G) lists the call's globals and the standard ones it has not removed, each once, as Lua's _G
-- (which holds both) would: the standard ones are given to the call first, so the loop's body reading
-- one for the first time adds no key to the table being traversed.
local function environment_pairs(env)
  local given = handed_to(env)
  for key in next, base do
    if given[key] == nil then hand_out(env, given, key) end
  end
  return next, env, nil
end

return { __index = environment_index, __newindex = environment_newindex, __pairs = environment_pairs, __metatable = false }
