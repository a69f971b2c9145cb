// The benchmark's durable functions, with the app's concurrency settings (host.json). The same
// workflows run on Restate from bench/restate/services.ts, with the same activity bodies.
const df = require('durable-functions');

// Activities give the event loop one turn, as any activity doing I/O does. An activity that never
// yields lets devhost's memory store run a whole fan-out as one chain of promises, during which no
// timer fires (the benchmark's time caps included).
const turn = () => new Promise((resolve) => setImmediate(resolve));

df.app.activity('Hello', { handler: async (name) => (await turn(), `Hello ${name}!`) });
df.app.activity('Double', { handler: async (n) => (await turn(), n * 2) });

df.app.orchestration('HelloSequence', function* (context) {
  const out = [];
  for (const name of context.df.getInput()) out.push(yield context.df.callActivity('Hello', name));
  return out;
});

df.app.orchestration('FanOut', function* (context) {
  const tasks = [];
  for (let i = 0; i < context.df.getInput(); i += 1) tasks.push(context.df.callActivity('Double', i));
  const results = yield context.df.Task.all(tasks);
  return results.reduce((sum, n) => sum + n, 0);
});

df.app.orchestration('WaitForEvent', function* (context) {
  return yield context.df.waitForExternalEvent('Go');
});

df.app.entity('Counter', (context) => {
  const count = context.df.getState(() => 0);
  if (context.df.operationName === 'add') context.df.setState(count + context.df.getInput());
  if (context.df.operationName === 'get') context.df.return(count);
});
