import { devhostEndpoints } from '../../../scripts/fuzz/devhostEndpoints';
import { describeSeededFuzz } from './seededRun';

describeSeededFuzz(
  "fuzzing devhost's webhooks, admin API, dashboard API and files, and outbox viewer",
  devhostEndpoints,
);
