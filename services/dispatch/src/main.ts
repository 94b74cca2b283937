import { runServiceProcess } from '@hotline/shared';
import { readDispatchEnvironment, startDispatch } from './index';

/** Dispatch as a process of its own (distributed mode). */
void runServiceProcess('dispatch', process.env, (deps) => startDispatch(readDispatchEnvironment(process.env), deps));
