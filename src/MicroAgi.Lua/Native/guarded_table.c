/*
 * Guarded table functions for the MicroAgi Lua sandbox: table.insert, remove, move and sort with
 * Lua 5.4's semantics and error messages, whose every loop stops when the sandbox's call reaches a
 * limit (docs/lua-sandbox.md, "The guarded table functions").
 *
 * Why C: these are called from user code thousands of times; a Lua wrapper costs several times the
 * C call it wraps, under the sandbox's count hook. Why not Lua's own ltablib: its loops are bounded
 * only by what __len returns (a huge __len with no __index/__newindex loops without running a VM
 * instruction, so the count hook never fires), and its sort is quadratic on an input built against
 * its pivots. Here every loop counts its steps and asks the host every STEPS_PER_CHECK steps whether
 * the call must stop, and the sort finishes with heapsort once it has spent a comparison budget of
 * O(n log n).
 *
 * Errors are raised with luaL_error/luaL_argerror from C, so they carry the same messages and
 * positions as C Lua's; they unwind through C frames only (the host never calls these functions
 * itself: Lua calls them, inside the host's lua_pcall/lua_resume).
 *
 * No Lua headers are needed to build it: the few types and constants used are declared below (their
 * values are Lua 5.4's, checked by microagi_table_init against lua_version), and the Lua API
 * functions are resolved at run time through the host, from the same library the host loaded (it
 * is loaded privately, so this library cannot link against its symbols).
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct lua_State lua_State;
typedef long long lua_Integer;
typedef unsigned long long lua_Unsigned;
typedef double lua_Number;
typedef intptr_t lua_KContext;
typedef int (*lua_KFunction)(lua_State *L, int status, lua_KContext ctx);

#define LUA_TNIL 0
#define LUA_TTABLE 5
#define LUA_TFUNCTION 6
#define LUA_OPEQ 0
#define LUA_OPLT 1
#define LUA_MAXINTEGER 0x7fffffffffffffffLL
#define SORT_MAX_SIZE 0x7fffffff /* INT_MAX: Lua's sort refuses arrays this big */

/* Small ranges always take the middle element as pivot, as Lua's sort does. */
#define RANDOM_PIVOT_MIN 100
/* Loop steps between two questions to the host; each step is at least a lua_geti or a comparison. */
#define STEPS_PER_CHECK 1024

static struct {
  lua_Number (*version)(lua_State *L);
  int (*gettop)(lua_State *L);
  void (*settop)(lua_State *L, int index);
  void (*pushvalue)(lua_State *L, int index);
  int (*type)(lua_State *L, int index);
  int (*geti)(lua_State *L, int index, lua_Integer i);
  void (*seti)(lua_State *L, int index, lua_Integer i);
  int (*rawget)(lua_State *L, int index);
  int (*getmetatable)(lua_State *L, int index);
  const char *(*pushstring)(lua_State *L, const char *s);
  void (*pushnil)(lua_State *L);
  int (*compare)(lua_State *L, int a, int b, int op);
  void (*callk)(lua_State *L, int nargs, int nresults, lua_KContext ctx, lua_KFunction k);
  int (*toboolean)(lua_State *L, int index);
  void (*copy)(lua_State *L, int from, int to);
  lua_Integer (*checkinteger)(lua_State *L, int arg);
  lua_Integer (*len)(lua_State *L, int index);
  int (*argerror)(lua_State *L, int arg, const char *message);
  int (*typeerror)(lua_State *L, int arg, const char *expected);
  int (*error)(lua_State *L, const char *format, ...);
} lua;

/* The host's answer to "must the running call stop?": nonzero once a limit is reached (the host has
 * then recorded which, and made every later VM instruction of this thread raise). */
static int (*limit_reached)(lua_State *L);
/* Offset, in the host's per-state control block, of the step counter shared by all guarded calls
 * of the state: a loop of few steps that calls other guarded functions still adds up to a check. */
static size_t step_counter_offset;

/* Each thread's extra space (LUA_EXTRASPACE bytes just below the lua_State) holds the host's
 * control block pointer; Lua copies it into every new coroutine. */
static int *step_counter(lua_State *L) {
  char *control = *(char **)((char *)L - sizeof(void *));
  return (int *)(control + step_counter_offset);
}

/* A loop's steps not yet added to the state's count are counted in a local variable (kept in a
 * register: a memory update every step cost 15% of a shifting loop), and added every
 * STEPS_PER_FLUSH steps and when the loop ends. Guarded calls nested inside a loop (through a
 * metamethod) add their own steps meanwhile, so nesting cannot multiply the work between checks. */
#define STEPS_PER_FLUSH 64

/* Adds pending steps to the state's count, asks the host when it is due; returns 0 (the new pending). */
static unsigned flush_steps(lua_State *L, unsigned pending) {
  int *count = step_counter(L);
  *count += (int)pending;
  if (*count >= STEPS_PER_CHECK) {
    *count = 0;
    if (limit_reached(L)) lua.error(L, "the call has exceeded a limit");
  }
  return 0;
}

#define STEP(L, pending) \
  do { \
    if (++(pending) >= STEPS_PER_FLUSH) (pending) = flush_steps((L), (pending)); \
  } while (0)

/* ------------------------------------------------------------------ arguments */

enum { NEEDS_INDEX = 1, NEEDS_NEWINDEX = 2, NEEDS_LEN = 4 };

/* A table, or a value whose metatable supplies every operation the function needs (as Lua accepts). */
static void require_table(lua_State *L, int arg, int needs) {
  if (lua.type(L, arg) == LUA_TTABLE) return;
  int top = lua.gettop(L);
  int usable = lua.getmetatable(L, arg);
  static const char *const fields[] = { "__index", "__newindex", "__len" };
  for (int k = 0; usable && k < 3; k++) {
    if (!(needs & (1 << k))) continue;
    lua.pushstring(L, fields[k]);
    usable = lua.rawget(L, top + 1) != LUA_TNIL;
    lua.settop(L, top + 1);
  }
  lua.settop(L, top);
  if (!usable) lua.typeerror(L, arg, "table");
}

static lua_Integer length_of(lua_State *L, int arg, int needs) {
  require_table(L, arg, needs | NEEDS_LEN);
  return lua.len(L, arg);
}

/* ------------------------------------------------------------------ insert, remove, move */

static int guarded_insert(lua_State *L) {
  lua_Integer end = (lua_Integer)((lua_Unsigned)length_of(L, 1, NEEDS_INDEX | NEEDS_NEWINDEX) + 1u);
  lua_Integer pos;
  switch (lua.gettop(L)) {
    case 2:
      pos = end;
      break;
    case 3:
      pos = lua.checkinteger(L, 2);
      /* 1 <= pos <= end, as unsigned arithmetic so that no value overflows. */
      if ((lua_Unsigned)pos - 1u >= (lua_Unsigned)end) return lua.argerror(L, 2, "position out of bounds");
      unsigned pending = 0;
      for (lua_Integer i = end; i > pos; i--) {
        STEP(L, pending);
        lua.geti(L, 1, i - 1);
        lua.seti(L, 1, i);
      }
      flush_steps(L, pending);
      break;
    default:
      return lua.error(L, "wrong number of arguments to 'insert'");
  }
  lua.seti(L, 1, pos); /* the value is on top */
  return 0;
}

static int guarded_remove(lua_State *L) {
  lua_Integer size = length_of(L, 1, NEEDS_INDEX | NEEDS_NEWINDEX);
  lua_Integer pos = size;
  if (lua.type(L, 2) > LUA_TNIL) {
    pos = lua.checkinteger(L, 2);
    /* Any position in 1 .. size + 1 (or size itself, even 0). */
    if (pos != size && (lua_Unsigned)pos - 1u > (lua_Unsigned)size) return lua.argerror(L, 2, "position out of bounds");
  }
  lua.geti(L, 1, pos); /* the result, left on top */
  if (pos < size) {
    unsigned pending = 0;
    for (; pos < size; pos++) {
      STEP(L, pending);
      lua.geti(L, 1, pos + 1);
      lua.seti(L, 1, pos);
    }
    flush_steps(L, pending);
  }
  lua.pushnil(L);
  lua.seti(L, 1, pos);
  return 1;
}

static int guarded_move(lua_State *L) {
  lua_Integer first = lua.checkinteger(L, 2);
  lua_Integer last = lua.checkinteger(L, 3);
  lua_Integer to = lua.checkinteger(L, 4);
  int dest = lua.type(L, 5) > LUA_TNIL ? 5 : 1;
  require_table(L, 1, NEEDS_INDEX);
  require_table(L, dest, NEEDS_NEWINDEX);
  if (last >= first) {
    if (!(first > 0 || last < LUA_MAXINTEGER + first)) return lua.argerror(L, 3, "too many elements to move");
    lua_Integer count = last - first + 1;
    if (to > LUA_MAXINTEGER - count + 1) return lua.argerror(L, 4, "destination wrap around");
    /* Copy backwards only when the destination overlaps the source from above. */
    int overlapping = to > first && to <= last && (dest == 1 || lua.compare(L, 1, dest, LUA_OPEQ));
    unsigned pending = 0;
    for (lua_Integer k = 0; k < count; k++) {
      lua_Integer offset = overlapping ? count - 1 - k : k;
      STEP(L, pending);
      lua.geti(L, 1, first + offset);
      lua.seti(L, dest, to + offset);
    }
    flush_steps(L, pending);
  }
  lua.pushvalue(L, dest);
  return 1;
}

/* ------------------------------------------------------------------ sort */

/* The array is argument 1, the comparator (or nil) argument 2. */
typedef struct {
  lua_State *L;
  unsigned pending_steps;
  int has_comparator;
  lua_Integer comparisons; /* made so far */
  lua_Integer budget;      /* past this, what is left is finished with heapsort */
} Sorter;

/* a < b for the values at stack positions a and b (absolute). */
static int less(Sorter *s, int a, int b) {
  lua_State *L = s->L;
  STEP(L, s->pending_steps);
  s->comparisons++;
  if (!s->has_comparator) return lua.compare(L, a, b, LUA_OPLT);
  lua.pushvalue(L, 2);
  lua.pushvalue(L, a);
  lua.pushvalue(L, b);
  lua.callk(L, 2, 1, 0, NULL);
  int result = lua.toboolean(L, -1);
  lua.settop(L, -2);
  return result;
}

static int top(lua_State *L) { return lua.gettop(L); }

/* Pops the top value into t[i], then the next one into t[j]. */
static void store_two(lua_State *L, lua_Integer i, lua_Integer j) {
  lua.seti(L, 1, i);
  lua.seti(L, 1, j);
}

static unsigned random_pivot_seed(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  unsigned x = (unsigned)now.tv_nsec ^ (unsigned)now.tv_sec * 2654435761u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

/*
 * Hoare partition of t[lo..up] around the pivot P, which the caller left both on the stack top and
 * in t[up - 1] (t[lo] <= P <= t[up] already). Returns P's final index. An order function that says
 * t[i] < P past P's own slot (or P < t[j] below i) is inconsistent: Lua's error.
 */
static lua_Integer partition(Sorter *s, lua_Integer lo, lua_Integer up) {
  lua_State *L = s->L;
  int pivot = top(L);
  lua_Integer i = lo, j = up - 1;
  for (;;) {
    for (;;) {
      lua.geti(L, 1, ++i);
      if (!less(s, top(L), pivot)) break;
      if (i == up - 1) lua.error(L, "invalid order function for sorting");
      lua.settop(L, -2);
    }
    for (;;) {
      lua.geti(L, 1, --j);
      if (!less(s, pivot, top(L))) break;
      if (j < i) lua.error(L, "invalid order function for sorting");
      lua.settop(L, -2);
    }
    /* Stack: P, t[i] (>= P), t[j] (<= P). */
    if (j < i) {
      lua.settop(L, -2);         /* drop t[j] */
      store_two(L, up - 1, i);   /* t[up - 1] = t[i]; t[i] = P */
      return i;
    }
    store_two(L, i, j);          /* swap t[i] and t[j]; P stays on top */
  }
}

/* Moves t[root] down the max-heap t[lo..last] to its place. */
static void sift_down(Sorter *s, lua_Integer lo, lua_Integer root, lua_Integer last) {
  lua_State *L = s->L;
  lua.geti(L, 1, root);
  int value = top(L);
  for (;;) {
    lua_Integer child = lo + 2 * (root - lo) + 1;
    if (child > last) break;
    lua.geti(L, 1, child);
    if (child < last) {
      lua.geti(L, 1, child + 1);
      if (less(s, top(L) - 1, top(L))) {
        child++;
        lua.copy(L, -1, -2); /* keep the larger child only */
      }
      lua.settop(L, -2);
    }
    if (!less(s, value, top(L))) {
      lua.settop(L, -2);
      break;
    }
    lua.seti(L, 1, root); /* t[root] = the larger child */
    root = child;
  }
  lua.seti(L, 1, root); /* the value sifted down is on top again */
}

/* Heapsort of t[lo..up]: O(n log n) comparisons whatever the order function says. */
static void heapsort(Sorter *s, lua_Integer lo, lua_Integer up) {
  lua_State *L = s->L;
  for (lua_Integer root = lo + (up - lo - 1) / 2; root >= lo; root--) sift_down(s, lo, root, up);
  for (lua_Integer last = up; last > lo; last--) {
    lua.geti(L, 1, lo);
    lua.geti(L, 1, last);
    store_two(L, lo, last);
    sift_down(s, lo, lo, last - 1);
  }
}

/*
 * Lua 5.4's sort, so that a table sorts to the same order as in C Lua (which matters for equal
 * elements and for inconsistent order functions): quicksort with the median of the first, middle
 * and last elements as pivot, recursion into the smaller part, and a pivot chosen at random within
 * the middle half of the range once a partition came out badly unbalanced. Unlike C Lua's, it
 * stops partitioning once the sort has made more comparisons than its budget and finishes every
 * range left with heapsort, so no input and no order function makes it quadratic.
 */
static void quicksort(Sorter *s, lua_Integer lo, lua_Integer up, unsigned rnd) {
  lua_State *L = s->L;
  while (lo < up) {
    if (s->comparisons > s->budget) {
      heapsort(s, lo, up);
      return;
    }
    lua.geti(L, 1, lo);
    lua.geti(L, 1, up);
    if (less(s, top(L), top(L) - 1)) store_two(L, lo, up); /* t[up] < t[lo]: swap them */
    else lua.settop(L, -3);
    if (up - lo == 1) return;
    lua_Integer p;
    if (up - lo < RANDOM_PIVOT_MIN || rnd == 0) {
      p = (lo + up) / 2;
    } else {
      unsigned quarter = (unsigned)((up - lo) / 4);
      p = (lua_Integer)(rnd % (quarter * 2)) + lo + quarter;
    }
    lua.geti(L, 1, p);
    lua.geti(L, 1, lo);
    if (less(s, top(L) - 1, top(L))) {
      store_two(L, p, lo); /* t[p] < t[lo]: swap them */
    } else {
      lua.settop(L, -2);
      lua.geti(L, 1, up);
      if (less(s, top(L), top(L) - 1)) store_two(L, p, up); /* t[up] < t[p]: swap them */
      else lua.settop(L, -3);
    }
    if (up - lo == 2) return;
    /* The median becomes the pivot P, kept on the stack and parked in t[up - 1]. */
    lua.geti(L, 1, p);
    lua.pushvalue(L, -1);
    lua.geti(L, 1, up - 1);
    store_two(L, p, up - 1);
    p = partition(s, lo, up);
    lua_Integer smaller;
    if (p - lo < up - p) {
      quicksort(s, lo, p - 1, rnd);
      smaller = p - lo;
      lo = p + 1;
    } else {
      quicksort(s, p + 1, up, rnd);
      smaller = up - p;
      up = p - 1;
    }
    if ((up - lo) / 128 > smaller) rnd = random_pivot_seed();
  }
}

/* About 4 n log2 n: three times what a median-of-three quicksort makes on a random input. */
static lua_Integer comparison_budget(lua_Integer n) {
  lua_Integer bits = 0;
  for (lua_Integer m = n; m > 0; m >>= 1) bits++;
  return 4 * n * bits;
}

static int guarded_sort(lua_State *L) {
  lua_Integer n = length_of(L, 1, NEEDS_INDEX | NEEDS_NEWINDEX);
  if (n > 1) {
    if (n >= SORT_MAX_SIZE) return lua.argerror(L, 1, "array too big");
    int order = lua.type(L, 2);
    if (order > LUA_TNIL && order != LUA_TFUNCTION) return lua.typeerror(L, 2, "function");
    lua.settop(L, 2);
    Sorter s = { L, 0, order == LUA_TFUNCTION, 0, comparison_budget(n) };
    quicksort(&s, 1, n, 0);
    flush_steps(L, s.pending_steps);
  }
  return 0;
}

/* ------------------------------------------------------------------ the host's entry points */

#define EXPORT __attribute__((visibility("default")))

EXPORT int microagi_table_insert(lua_State *L) { return guarded_insert(L); }
EXPORT int microagi_table_remove(lua_State *L) { return guarded_remove(L); }
EXPORT int microagi_table_move(lua_State *L) { return guarded_move(L); }
EXPORT int microagi_table_sort(lua_State *L) { return guarded_sort(L); }

/*
 * Called once per process before any state uses the functions. resolve returns the address of a
 * Lua API function of the library the host loaded; check is the host's limit probe; offset locates
 * the step counter in the control block. Returns NULL when ready, or why not (the host then keeps
 * its Lua implementations).
 */
EXPORT const char *microagi_table_init(void *(*resolve)(const char *name), int (*check)(lua_State *L), size_t offset) {
#define RESOLVE(field, name) \
  if ((*(void **)&lua.field = resolve(name)) == NULL) return "the Lua library has no " name;
  RESOLVE(version, "lua_version")
  RESOLVE(gettop, "lua_gettop")
  RESOLVE(settop, "lua_settop")
  RESOLVE(pushvalue, "lua_pushvalue")
  RESOLVE(type, "lua_type")
  RESOLVE(geti, "lua_geti")
  RESOLVE(seti, "lua_seti")
  RESOLVE(rawget, "lua_rawget")
  RESOLVE(getmetatable, "lua_getmetatable")
  RESOLVE(pushstring, "lua_pushstring")
  RESOLVE(pushnil, "lua_pushnil")
  RESOLVE(compare, "lua_compare")
  RESOLVE(callk, "lua_callk")
  RESOLVE(toboolean, "lua_toboolean")
  RESOLVE(copy, "lua_copy")
  RESOLVE(checkinteger, "luaL_checkinteger")
  RESOLVE(len, "luaL_len")
  RESOLVE(argerror, "luaL_argerror")
  RESOLVE(typeerror, "luaL_typeerror")
  RESOLVE(error, "luaL_error")
#undef RESOLVE
  if (lua.version(NULL) != 504) return "the Lua library is not Lua 5.4";
  if (check == NULL) return "no limit probe";
  limit_reached = check;
  step_counter_offset = offset;
  return NULL;
}
