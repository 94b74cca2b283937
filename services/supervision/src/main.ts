import { runServiceProcess } from '@hotline/shared';
import { readSupervisionEnvironment, startSupervision } from './index';

/** Supervision as a process of its own (distributed mode). */
void runServiceProcess('supervision', process.env, (deps) => startSupervision(readSupervisionEnvironment(process.env), deps));
