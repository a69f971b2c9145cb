import { appEndpoints } from '../../../scripts/fuzz/appEndpoints';
import { describeSeededFuzz } from './seededRun';

describeSeededFuzz('fuzzing every HTTP function of the app', appEndpoints);
