// The benchmark's durable functions, with the app's concurrency settings (host.json). The same
// workflows run on Restate from bench/restate/services.ts, with the same activity bodies.
const df = require('durable-functions');

df.app.activity('Hello', { handler: (name) => `Hello ${name}!` });
df.app.activity('Double', { handler: (n) => n * 2 });

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
