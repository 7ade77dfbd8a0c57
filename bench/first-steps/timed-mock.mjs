// The loop kit's streamed tool-call server (../../../shared/bench/loop/sse-mock.mjs), reduced to the streamed path,
// that also records when each chat request arrived and when its answer was written (process.hrtime, ns).
// GET /timings returns those pairs and forgets them. Binds 127.0.0.1 only.
// Usage: ROUNDS=50 PORT=7001 node timed-mock.mjs
import http from 'node:http';
const ROUNDS = parseInt(process.env.ROUNDS || '50', 10);
const PORT = parseInt(process.env.PORT || '7001', 10);
const timings = [];
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.endsWith('/timings')) { res.end(JSON.stringify(timings.splice(0))); return; }
  if (req.method !== 'POST') { res.statusCode = 404; res.end(); return; }
  const arrived = process.hrtime.bigint();
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const r = JSON.parse(body || '{}');
    const done = (r.messages || []).filter((m) => m.role === 'tool').length;
    const call = done < ROUNDS;
    const chunk = (delta, finish = null, extra = {}) =>
      res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1700000000, model: r.model || 'mock', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    if (call) {
      const args = JSON.stringify({ i: done, note: 'step ' + done });
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: `call_${done}`, type: 'function', function: { name: 'noop', arguments: '' } }] });
      for (let k = 0; k < args.length; k += 8) chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(k, k + 8) } }] });
      chunk({}, 'tool_calls');
    } else {
      chunk({ role: 'assistant', content: `done after ${done} tool results` });
      chunk({}, 'stop');
    }
    res.end('data: [DONE]\n\n');
    timings.push([Number(arrived), Number(process.hrtime.bigint())]);
  });
});
server.listen(PORT, '127.0.0.1');
