export * from './limits';
export * from './validation';
export * from './common';
export * from './order';
export * from './batch';
export * from './approval';
export * from './outcomes';
export * from './customerStats';
