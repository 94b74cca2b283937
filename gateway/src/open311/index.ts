export { open311Route, type Open311Options } from './route';
export { open311Environment, type Open311Config } from './config';
