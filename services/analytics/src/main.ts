import { runServiceProcess } from '@hotline/shared';
import { readAnalyticsEnvironment, startAnalytics } from './index';

/** Analytics as a process of its own (distributed mode). */
void runServiceProcess('analytics', process.env, (deps) => startAnalytics(readAnalyticsEnvironment(process.env), deps));
