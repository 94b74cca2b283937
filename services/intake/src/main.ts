import { runServiceProcess } from '@hotline/shared';
import { readIntakeEnvironment, startIntake } from './index';

/** Intake as a process of its own (distributed mode). */
void runServiceProcess('intake', process.env, (deps) => startIntake(readIntakeEnvironment(process.env), deps));
