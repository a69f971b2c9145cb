/** Errors of the local stack. Each message says what happened and what the user can do about it. */

export class EmulatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorError';
  }
}

/** A port the emulator needs is held by something else. */
export class PortTakenError extends EmulatorError {
  constructor(
    readonly emulator: string,
    readonly port: number,
    readonly holder: string,
    howToMove: string,
  ) {
    super(
      `${emulator} cannot use port ${port}: it is taken by ${holder}. Stop that program, or choose another port ` +
        `with ${howToMove}.`,
    );
    this.name = 'PortTakenError';
  }
}

export class MissingPackageError extends EmulatorError {
  constructor(
    readonly packageName: string,
    purpose: string,
  ) {
    super(
      `${packageName} is not installed, so devhost cannot start ${purpose}. Run \`npm install\` in the project ` +
        '(devhost installs it as an optional dependency, which `--omit=optional` leaves out), or point the app ' +
        'at an existing service instead (see docs/local-stack.md).',
    );
    this.name = 'MissingPackageError';
  }
}

export class EmulatorStartError extends EmulatorError {
  constructor(emulator: string, reason: string, logFile?: string) {
    super(`${emulator} did not start: ${reason}${logFile ? ` (its log: ${logFile})` : ''}`);
    this.name = 'EmulatorStartError';
  }
}

export class UnreachableEndpointError extends EmulatorError {
  constructor(setting: string, endpoint: string, reason: string) {
    super(
      `${setting} is ${endpoint}, which does not answer (${reason}). Start that service, fix ${setting}, or remove ` +
        `it (or set it to the embedded default) to let devhost start its own.`,
    );
    this.name = 'UnreachableEndpointError';
  }
}
