/**
 * Unit tests import the app's modules directly, outside any host: `@azure/functions` then says,
 * once per registration, that it is in test mode. That is expected here and drowns real output,
 * so those two warnings (and only those) are dropped.
 */
const testModeWarning =
  /Switching "@azure\/functions" package to test mode|because the "@azure\/functions" package is in test mode/;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  if (typeof args[0] === 'string' && testModeWarning.test(args[0])) return;
  warn(...args);
};
