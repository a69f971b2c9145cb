/**
 * A benchmark process for one target (forked by run.ts): it runs the jobs it is sent over IPC one
 * at a time, each on a fresh devhost (or restate-server), and answers with the result. Loading
 * devhost and the storage SDKs takes seconds on a busy machine, so the process outlives a job;
 * it exits when a target did not stop in time, taking its leftover work with it.
 */
import { runJob, type Job } from './job';

process.on('message', (message) => {
  void runJob(message as Job, { stopTimeoutMs: 20_000 }).then((result) => {
    process.send?.(result, () => {
      if (result.unclean) process.exit(0);
    });
  });
});
process.on('disconnect', () => process.exit(0));
